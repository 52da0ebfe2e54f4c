package dev.sieve.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * How every Sieve Lambda function is built: Java 21 on arm64, its own role (nothing granted but writing
 * its own log group) and its own log group with a retention.
 */
final class JavaFunctions {
    private JavaFunctions() {}

    /** What differs between the functions. */
    record Spec(
            String handler,
            Code code,
            int memoryMb,
            Duration timeout,
            RetentionDays logRetention,
            String description,
            boolean snapStart) {}

    /** The function {@code id} in {@code scope}, with {@code <id>Role} and {@code <id>Logs} beside it. */
    static Function create(Construct scope, String id, Spec spec) {
        LogGroup logs = LogGroup.Builder.create(scope, id + "Logs")
                .retention(spec.logRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        Role role = Role.Builder.create(scope, id + "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description(spec.description())
                .build();
        logs.grantWrite(role);
        Function.Builder builder = Function.Builder.create(scope, id)
                .description(spec.description())
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(spec.handler())
                .code(spec.code())
                .memorySize(spec.memoryMb())
                .timeout(spec.timeout())
                .role(role)
                .logGroup(logs);
        if (spec.snapStart()) {
            builder.snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS);
        }
        Function fn = builder.build();
        fn.getNode().addDependency(role);
        Acknowledgments.acknowledge(
                fn,
                "AwsSolutions-L1",
                "Sieve is compiled for Java 21 (maven.compiler.release) and java21 is a supported Lambda"
                        + " runtime with SnapStart; the runtime moves together with the project's Java level.");
        return fn;
    }
}
