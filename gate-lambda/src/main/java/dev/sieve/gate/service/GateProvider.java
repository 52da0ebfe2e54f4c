package dev.sieve.gate.service;

/**
 * Where the services get the gate model for one unit of work (a request or a chunk). Each unit asks
 * once, so all of its items are scored, and stamped, with one bundle version.
 */
@FunctionalInterface
public interface GateProvider {
    /**
     * The gate to use now.
     *
     * @throws ModelNotLoadedException while no bundle has been published where the gate looks for one
     */
    LoadedGate current();
}
