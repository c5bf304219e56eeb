package dev.halo.io;

import dev.halo.BadInputException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that refuses to deliver more than {@code limit} bytes: reading past it throws a {@link BadInputException}
 * whose message names the source and the limit. Used around decompressing streams, so a small gzip file that inflates
 * to gigabytes ("zip bomb") is refused after {@code limit} bytes instead of filling the heap.
 */
public final class BoundedInputStream extends FilterInputStream {
    private final long limit;
    private final String what;
    private long count;

    public BoundedInputStream(InputStream in, long limit, String what) {
        super(in);
        this.limit = limit;
        this.what = what;
    }

    private void add(long n) {
        if (n > 0) count += n;
        if (count > limit) throw new BadInputException(what + ": larger than the limit of " + Limits.bytes(limit) + " (halo's Limits)");
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) add(1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        add(n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long k = super.skip(n);
        add(k);
        return k;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
