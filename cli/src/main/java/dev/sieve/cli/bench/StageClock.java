package dev.sieve.cli.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Real timestamps of one real-time request's stages, for {@code sieve bench realtime} (requests go
 * one after another, so the stages seen between two sends belong to the request in flight): sent,
 * received by the worker (a {@code ReceiveMessage} that returned messages), batched (the batch
 * listener), expert done, written (the worker's first {@code TransactWriteItems} after it returns:
 * the results and the answered count the gate reads), deleted (its {@code DeleteMessageBatch} starts,
 * after the completion bookkeeping), seen by the gate (the HTTP reply). The worker's SQS and
 * DynamoDB clients are wrapped (the real clients do the calls) to see when those calls happen.
 */
final class StageClock {
    private volatile long sent;
    private volatile long received;
    private volatile long batched;
    private volatile long expertDone;
    private volatile long writeStarted;
    private volatile long written;
    private volatile long deleteStarted;
    private final List<long[]> storeCalls = new ArrayList<>();

    /** Starts timing a request; returns the send time (nanos). */
    long send() {
        received = batched = expertDone = writeStarted = written = deleteStarted = 0;
        synchronized (storeCalls) {
            storeCalls.clear();
        }
        sent = System.nanoTime();
        return sent;
    }

    void batched() {
        if (batched == 0) {
            batched = System.nanoTime();
        }
    }

    void expertDone() {
        if (expertDone == 0) {
            expertDone = System.nanoTime();
        }
    }

    /** The stages of the request sent last, seen by the gate at {@code seen} (nanos), in ms. */
    Map<String, Double> stages(long seen) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("send_to_received", ms(sent, received));
        out.put("received_to_batched", ms(received, batched));
        out.put("batched_to_expert_done", ms(batched, expertDone));
        out.put("expert_done_to_write_started", ms(expertDone, writeStarted));
        out.put("result_write", ms(writeStarted, written));
        out.put("written_to_seen_by_gate", ms(written, seen));
        out.put("written_to_delete_started", ms(written, deleteStarted));
        out.put("intake_store_calls", storeMillis(received, batched));
        return out;
    }

    private static double ms(long from, long to) {
        return from == 0 || to == 0 ? Double.NaN : (to - from) / 1e6;
    }

    /** Milliseconds of the worker's DynamoDB calls that started within [from, to] (intake: the cache lookup). */
    private double storeMillis(long from, long to) {
        if (from == 0 || to == 0) {
            return Double.NaN;
        }
        long total = 0;
        synchronized (storeCalls) {
            for (long[] call : storeCalls) {
                if (call[0] >= from && call[0] <= to) {
                    total += call[1] - call[0];
                }
            }
        }
        return total / 1e6;
    }

    SqsClient sqs(SqsClient real) {
        return wrap(SqsClient.class, real, (name, start, result) -> {
            if (name.equals("receiveMessage")
                    && result instanceof ReceiveMessageResponse r
                    && r.hasMessages()
                    && !r.messages().isEmpty()
                    && received == 0) {
                received = System.nanoTime();
            } else if (name.equals("deleteMessageBatch") && deleteStarted == 0 && expertDone != 0) {
                deleteStarted = start;
            }
        });
    }

    DynamoDbClient dynamoDb(DynamoDbClient real) {
        return wrap(DynamoDbClient.class, real, (name, start, result) -> {
            long end = System.nanoTime();
            synchronized (storeCalls) {
                storeCalls.add(new long[] {start, end});
            }
            if (name.equals("transactWriteItems") && expertDone != 0 && written == 0) {
                writeStarted = start;
                written = end;
            }
        });
    }

    private interface Seen {
        void call(String method, long startNanos, Object result);
    }

    private static <T> T wrap(Class<T> type, T real, Seen seen) {
        InvocationHandler handler = (proxy, method, args) -> {
            long start = System.nanoTime();
            Object result;
            try {
                result = method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            seen.call(method.getName(), start, result);
            return result;
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
