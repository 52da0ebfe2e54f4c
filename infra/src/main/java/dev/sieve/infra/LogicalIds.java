package dev.sieve.infra;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.constructs.IConstruct;

/**
 * CDK's logical-id scheme with {@link Concern}s left out of the path. The scheme is CDK's own
 * ({@code makeUniqueId} in aws-cdk-lib {@code core/lib/private/uniqueid.ts}: the path components below
 * the stack without {@code Default}, a human part without {@code Resource} and repeated components, and
 * the first 8 hex digits of the MD5 of the path), so a construct tree without concerns gets exactly the
 * ids CDK would give it; {@code LogicalIdsTest} pins that.
 *
 * <p>Applied once, from Java, when the stack is built ({@link #leaveConcernsOut}), rather than by
 * overriding {@code Stack.allocateLogicalId}: that override is a jsii callback on every token resolution,
 * thousands per synthesis, and jsii's Java runtime nests consecutive callbacks on the stack until it
 * overflows.
 */
final class LogicalIds {
    private LogicalIds() {}

    private static final String HIDDEN_ID = "Default";
    private static final String HIDDEN_FROM_HUMAN_ID = "Resource";
    private static final int HASH_LENGTH = 8;
    private static final int MAX_HUMAN_LENGTH = 240;
    private static final int MAX_ID_LENGTH = 255;

    /**
     * Gives every resource under a {@link Concern} the logical id it would have without its concerns. An
     * element whose id CDK already overrides is left alone: a function's {@code currentVersion} appends a
     * hash of the function's configuration, which is what publishes a new version on every change.
     */
    static void leaveConcernsOut(Stack stack) {
        for (IConstruct construct : stack.getNode().findAll()) {
            if (construct instanceof CfnElement element
                    && element.getNode().getScopes().stream().anyMatch(Concern.class::isInstance)) {
                List<IConstruct> scopes = element.getNode().getScopes();
                List<String> fullPath = scopes.subList(scopes.indexOf(stack) + 1, scopes.size()).stream()
                        .map(scope -> scope.getNode().getId())
                        .toList();
                boolean overriddenByCdk = !uniqueId(fullPath).equals(stack.resolve(element.getLogicalId()));
                if (!overriddenByCdk) {
                    element.overrideLogicalId(allocate(stack, element));
                }
            }
        }
    }

    /** The logical id of {@code element} in {@code stack}: its path below the stack, concerns left out. */
    static String allocate(Stack stack, CfnElement element) {
        List<IConstruct> scopes = element.getNode().getScopes();
        int stackIndex = scopes.indexOf(stack);
        return uniqueId(pathWithoutConcerns(scopes.subList(stackIndex + 1, scopes.size())));
    }

    /**
     * The name CDK's {@code Names.uniqueId} would give a child {@code childId} of {@code scope} (its path
     * from the app's root), concerns left out: for the physical names CDK derives from paths, so that they
     * do not change either.
     */
    static String uniqueName(IConstruct scope, String childId) {
        List<IConstruct> scopes = scope.getNode().getScopes();
        List<String> path = new ArrayList<>(pathWithoutConcerns(scopes.subList(1, scopes.size())));
        path.add(childId);
        return uniqueId(path);
    }

    /** The construct path CDK writes into {@code Name} tags, concerns left out ({@code Sieve/Worker/LaunchTemplate}). */
    static String path(IConstruct construct) {
        return String.join(
                "/",
                pathWithoutConcerns(construct
                        .getNode()
                        .getScopes()
                        .subList(1, construct.getNode().getScopes().size())));
    }

    private static List<String> pathWithoutConcerns(List<IConstruct> scopes) {
        List<String> components = new ArrayList<>();
        for (IConstruct scope : scopes) {
            if (!(scope instanceof Concern)) {
                components.add(scope.getNode().getId());
            }
        }
        return components;
    }

    static String uniqueId(List<String> path) {
        List<String> components =
                path.stream().filter(c -> !HIDDEN_ID.equals(c)).toList();
        if (components.isEmpty()) {
            throw new IllegalArgumentException("Unable to calculate a unique id for an empty path");
        }
        if (components.size() == 1) {
            String candidate = alphanumeric(components.get(0));
            if (candidate.length() <= MAX_ID_LENGTH) {
                return candidate;
            }
        }
        StringBuilder human = new StringBuilder();
        String previous = null;
        for (String component : components) {
            if (previous != null && previous.endsWith(component)) {
                continue; // CDK drops a component the previous one ends with
            }
            previous = component;
            if (!HIDDEN_FROM_HUMAN_ID.equals(component)) {
                human.append(alphanumeric(component));
            }
        }
        String humanPart = human.length() > MAX_HUMAN_LENGTH ? human.substring(0, MAX_HUMAN_LENGTH) : human.toString();
        return humanPart + hash(components);
    }

    private static String hash(List<String> components) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5")
                    .digest(String.join("/", components).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH).toUpperCase(java.util.Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java platform", e);
        }
    }

    private static String alphanumeric(String s) {
        return s.replaceAll("[^A-Za-z0-9]", "");
    }
}
