package dev.sieve.cli.load;

import io.gatling.http.client.Request;
import java.net.URI;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * How a load run authenticates each request: a JWT bearer token (local mode signs its own with the local
 * issuer; a deployed API with a JWT authorizer takes {@code --token}) or SigV4 (IAM).
 */
final class RequestSigner {
    private RequestSigner() {}

    static UnaryOperator<Request> bearer(String token) {
        return request -> {
            request.getHeaders().set("Authorization", "Bearer " + token);
            return request;
        };
    }

    /** SigV4 for API Gateway ({@code execute-api}) with the SDK's own signer and default credentials chain. */
    static UnaryOperator<Request> sigV4(AwsCredentialsProvider credentials, String region) {
        AwsV4HttpSigner signer = AwsV4HttpSigner.create();
        return request -> {
            byte[] body =
                    request.getBody() == null ? new byte[0] : request.getBody().getBytes();
            SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder()
                    .method(SdkHttpMethod.fromValue(request.getMethod().name()))
                    .uri(URI.create(request.getUri().toUrl()));
            request.getHeaders().forEach(h -> unsigned.appendHeader(h.getKey(), h.getValue()));
            AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
            SignedRequest signed = signer.sign(r -> r.identity(identity)
                    .request(unsigned.build())
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region));
            for (Map.Entry<String, java.util.List<String>> header :
                    signed.request().headers().entrySet()) {
                request.getHeaders().set(header.getKey(), header.getValue());
            }
            return request;
        };
    }
}
