package io.shardwise.producer.testkit;

import java.io.OutputStream;
import java.util.Arrays;

/** A growable byte buffer to serialize responses into, reused per thread. Not thread-safe. */
final class ByteSink extends OutputStream {
    private static final ThreadLocal<ByteSink> PER_THREAD = ThreadLocal.withInitial(() -> new ByteSink(64 * 1024));

    byte[] buf;
    int count;

    private ByteSink(int capacity) {
        buf = new byte[capacity];
    }

    /** @return this thread's sink, emptied */
    static ByteSink get() {
        ByteSink s = PER_THREAD.get();
        s.count = 0;
        return s;
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    private void ensure(int more) {
        if (count + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
        }
    }
}
