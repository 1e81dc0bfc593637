package io.kitbridge.kit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Follows Kit's cursors to the end. Stops on has_next_page, never on end_cursor: Kit sets end_cursor on the last
 * page too, and the seed's unpaginated lists (no pagination object) count as one page.
 */
public final class KitPages {
    private KitPages() {
    }

    /**
     * Every item of a cursor-paginated list.
     *
     * @param fetch one page for a cursor (null: the first page)
     */
    public static <T> List<T> all(Function<String, ? extends KitPage<T>> fetch) {
        List<T> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String after = null;
        do {
            KitPage<T> page = fetch.apply(after);
            out.addAll(page.items());
            Pagination p = page.pagination();
            after = p != null && p.hasNextPage() ? requireNewCursor(p.endCursor(), seen, "a list") : null;
        } while (after != null);
        return out;
    }

    /**
     * The next cursor of a list that has a next page, recorded in {@code seen} (cursor digests); a missing cursor or
     * one seen before in the same listing would make the reader loop forever: KitProtocolError instead.
     */
    public static String requireNewCursor(String next, Set<String> seen, String what) {
        if (next == null || next.isBlank()) {
            throw new KitException(KitErrorKind.PROTOCOL, 200, List.of(), null, "Kit said " + what
                    + " has a next page but gave no end_cursor", null);
        }
        if (!seen.add(digest(next))) {
            throw new KitException(KitErrorKind.PROTOCOL, 200, List.of(), null, "Kit repeated the cursor " + next
                    + " while listing " + what + "; stopped instead of looping", null);
        }
        return next;
    }

    /** Short, fixed-size form of a cursor for the seen-set (stored in the sync run state). */
    public static String digest(String cursor) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cursor.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
