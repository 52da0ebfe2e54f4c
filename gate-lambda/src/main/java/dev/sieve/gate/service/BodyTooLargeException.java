package dev.sieve.gate.service;

/** The request body exceeds what the API accepts; answered with 413 and a hint to upload instead. */
public final class BodyTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BodyTooLargeException(long bytes, long limit) {
        super("request body of " + bytes + " bytes exceeds the limit of " + limit
                + " bytes; upload large requests through POST /v1/uploads (a presigned S3 PUT)");
    }
}
