package dev.sieve.infra;

import software.constructs.Construct;

/**
 * One concern of a larger construct (the capacity of the worker tier, its task service, its scaling),
 * grouped so that each reads and tests on its own. A concern is not part of the identity of what it
 * holds: {@link SieveStack} leaves its id out of logical ids (see {@link LogicalIds}), so cutting a
 * construct into concerns, or moving a resource between them, renames nothing and so replaces nothing
 * in a deployed stack.
 */
abstract class Concern extends Construct {
    Concern(Construct scope, String id) {
        super(scope, id);
    }
}
