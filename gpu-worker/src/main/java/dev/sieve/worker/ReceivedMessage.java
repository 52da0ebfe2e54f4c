package dev.sieve.worker;

/**
 * An SQS message as received.
 *
 * @param messageId SQS message id (stable across redeliveries)
 * @param receiptHandle the handle of this receive (deletes and visibility changes need it)
 * @param body the raw body
 * @param receiveCount how many times SQS has handed it out, this time included
 */
public record ReceivedMessage(String messageId, String receiptHandle, String body, int receiveCount) {}
