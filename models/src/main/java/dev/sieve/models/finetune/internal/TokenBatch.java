package dev.sieve.models.finetune.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Token ids padded to the batch's longest row, with the attention mask, in a sub-manager of their own:
 * every array computed from them is freed when the batch is closed.
 */
public final class TokenBatch implements AutoCloseable {
    private final NDManager manager;
    private final NDArray ids;
    private final NDArray mask;

    private TokenBatch(NDManager manager, NDArray ids, NDArray mask) {
        this.manager = manager;
        this.ids = ids;
        this.mask = mask;
    }

    public static TokenBatch of(List<long[]> rows, NDManager parent) {
        int length = 1;
        for (long[] row : rows) {
            length = Math.max(length, row.length);
        }
        long[] ids = new long[rows.size() * length];
        long[] mask = new long[ids.length];
        for (int r = 0; r < rows.size(); r++) {
            long[] row = rows.get(r);
            System.arraycopy(row, 0, ids, r * length, row.length);
            for (int t = 0; t < row.length; t++) {
                mask[r * length + t] = 1;
            }
        }
        NDManager manager = parent.newSubManager();
        Shape shape = new Shape(rows.size(), length);
        return new TokenBatch(manager, manager.create(ids, shape), manager.create(mask, shape));
    }

    public NDManager manager() {
        return manager;
    }

    public NDArray ids() {
        return ids;
    }

    public NDArray mask() {
        return mask;
    }

    @Override
    public void close() {
        manager.close();
    }
}
