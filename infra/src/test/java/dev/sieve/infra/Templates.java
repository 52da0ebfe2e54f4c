package dev.sieve.infra;

import dev.sieve.shared.config.EnvironmentVariables;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awscdk.assertions.Template;

/** Small readers over a synthesized template, for assertions that must hold for every resource of a type. */
final class Templates {
    private Templates() {}

    /** Logical id → Properties of every resource of {@code type}. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> properties(Template template, String type) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        template.findResources(type).forEach((id, resource) -> {
            Object props = ((Map<String, Object>) resource).get("Properties");
            out.put(id, props == null ? Map.of() : (Map<String, Object>) props);
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    /** {@code {"Ref": id}} or {@code {"Fn::GetAtt": [id, ...]}} → id; anything else → null. */
    static String referencedId(Object value) {
        if (value instanceof Map<?, ?> m) {
            if (m.get("Ref") instanceof String id) {
                return id;
            }
            if (m.get("Fn::GetAtt") instanceof List<?> attribute) {
                return (String) attribute.get(0);
            }
        }
        return null;
    }

    /** Every value of the public String constants of {@link EnvironmentVariables}. */
    static Set<String> environmentVariableNames() {
        return Arrays.stream(EnvironmentVariables.class.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
                .map(Templates::value)
                .collect(Collectors.toSet());
    }

    private static String value(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
