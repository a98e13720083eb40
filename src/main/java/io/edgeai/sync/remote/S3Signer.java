package io.edgeai.sync.remote;

import java.net.http.HttpRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs requests to an S3-compatible store with AWS's own Signature Version 4 signer
 * ({@code http-auth-aws}, 0.8 MB with what it needs), so no signing is written here; the requests
 * are the JDK HTTP client's. The AWS SDK's S3 client would have added 9 MB to an edge jar of 13
 * (docs/object-storage.md). The payload is not signed ({@code UNSIGNED-PAYLOAD}, as S3 allows):
 * the edge sends none but in tests.
 */
public final class S3Signer implements HttpObjects.Signer {
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final String region;
    private final AwsCredentialsIdentity identity;

    public S3Signer(String region, String accessKey, String secretKey) {
        this.region = region;
        this.identity = AwsCredentialsIdentity.create(accessKey, secretKey);
    }

    @Override
    public HttpRequest sign(HttpRequest request) {
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(request.method())).uri(request.uri());
        request.headers().map().forEach((name, values) -> values.forEach(value -> unsigned.appendHeader(name, value)));
        unsigned.putHeader("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
        SdkHttpRequest signed = signer.sign(r -> r.request(unsigned.build())
            .identity(identity)
            .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
            .putProperty(AwsV4HttpSigner.REGION_NAME, region)
            .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
            .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
            .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)).request();
        HttpRequest.Builder out = HttpRequest.newBuilder(request, (name, value) -> false);
        signed.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) { // the client sends the URI's host itself, as it was signed
                values.forEach(value -> out.header(name, value));
            }
        });
        return out.build();
    }
}
