package io.kitbridge.provision;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.store.ControlStore;
import io.kitbridge.store.Items;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A batch too large for Step Functions' 256 KB payloads, staged in the control table so a provision-batch execution
 * carries only a reference ({@code {"account", "batch", "offset"}}). The caller hands the whole batch to provision
 * by a direct invoke (Lambda's 6 MB payload) with {@code "stage": true}; the people are cut into chunks of at most
 * {@code stage-chunk-bytes} (350,000) of JSON (a DynamoDB item holds 400 KB) under pk {@code provision-stage#<account>#<batch>}:
 * sk {@code head} (content hash, chunk starts, the batch's flags) and {@code chunk#NNNN} (the people as given).
 * An invocation reads the head and only the chunks that hold its slice.
 *
 * <p>Staging is idempotent: the head is claimed with a conditional write that passes when it is absent, expired, or
 * holds the same content hash (the same batch sent again renews it and rewrites identical chunks); other people
 * under a live batch id are refused. Chunks carry the hash, so a chunk left by an earlier, expired batch of the same
 * id is never read as this one's. TTL deletes late (dynalite never): expiry is enforced on read.
 */
@ApplicationScoped
public class StagedBatches {
    private static final String PK_PREFIX = "provision-stage#";
    private static final String HEAD = "head";
    private static final String CHUNK_PREFIX = "chunk#";
    private static final String HASH = "hash";
    private static final String TOTAL = "total";
    private static final String STARTS = "starts";
    private static final String FLAGS = "flags";
    private static final String PEOPLE = "people";
    /** JSON bytes of people per chunk at most: under DynamoDB's 400 KB item limit with room for keys and attributes. */
    static final int MAX_CHUNK_BYTES = 350_000;
    static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Top-level keys that are not a batch's flags: they are the staging request or an execution's bookkeeping. */
    private static final List<String> NOT_FLAGS = List.of("account", "people", "stage", "batch", "offset", "execution",
            ProvisionService.SUMMARY_SO_FAR);

    @Inject ControlStore control;

    @Inject ObjectMapper json;

    @Inject ProvisionConfig config;

    /** The slice an invocation provisions: an ordinary batch input (flags, people, offset), and the batch's size. */
    record Slice(ObjectNode input, int total) {
    }

    static String pk(String account, String batch) {
        return PK_PREFIX + account + "#" + batch;
    }

    static String chunkSk(int index) {
        return CHUNK_PREFIX + String.format("%04d", index);
    }

    /** Stores {@code input}'s people (account already validated); the same input again is a no-op that renews it. */
    StagedBatch stage(String account, JsonNode input) {
        JsonNode people = input.get(PEOPLE);
        if (people == null || !people.isArray() || people.isEmpty()) {
            throw new InvalidInputException("people", "must be a non-empty array of people to stage");
        }
        if (people.size() > config.maxExecutionBatch()) {
            throw new InvalidInputException("people", "has " + people.size() + " people; at most "
                    + config.maxExecutionBatch() + " per staged batch");
        }
        ObjectNode flags = json.createObjectNode();
        input.fields().forEachRemaining(e -> {
            if (!NOT_FLAGS.contains(e.getKey())) {
                flags.set(e.getKey(), e.getValue());
            }
        });
        int chunkLimit = Math.min(config.stageChunkBytes(), MAX_CHUNK_BYTES);
        List<String> chunks = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        StringBuilder chunk = new StringBuilder("[");
        int chunkBytes = 1;
        for (int i = 0; i < people.size(); i++) {
            String person = text(people.get(i));
            int bytes = person.getBytes(StandardCharsets.UTF_8).length + 1;
            if (bytes + 1 > chunkLimit) {
                throw new InvalidInputException("people[" + i + "]", "is " + bytes + " bytes of JSON; a staged person"
                        + " may take at most " + (chunkLimit - 2));
            }
            if (chunkBytes + bytes + 1 > chunkLimit) {
                chunks.add(chunk.append(']').toString());
                chunk = new StringBuilder("[");
                chunkBytes = 1;
            }
            if (chunkBytes == 1) {
                starts.add(i);
            } else {
                chunk.append(',');
            }
            chunk.append(person);
            chunkBytes += bytes;
        }
        chunks.add(chunk.append(']').toString());
        String flagsText = text(flags);
        String hash = sha256(account + "\n" + flagsText + "\n" + String.join("\n", chunks));
        String batch = batchId(input).orElse(null);
        if (batch == null) {
            batch = hash.substring(0, 32); // content-derived: the same people staged twice are one batch
        }
        String pk = pk(account, batch);
        if (!control.acquireLease(pk, HEAD, hash, config.resultTtl(), Map.of(TOTAL, Items.n(people.size()),
                STARTS, Items.numberList(starts),
                FLAGS, Items.s(flagsText)))) {
            throw new InvalidInputException("batch", "'" + batch + "' is already staged with other people (kept for "
                    + config.resultTtl().toDays() + " d); stage these under another batch id");
        }
        List<ControlStore.NewItem> items = new ArrayList<>();
        for (int c = 0; c < chunks.size(); c++) {
            items.add(new ControlStore.NewItem(pk, chunkSk(c), Map.of(HASH, Items.s(hash), PEOPLE, Items.s(chunks.get(c)))));
        }
        control.putAll(items, config.resultTtl());
        ObjectNode start = json.createObjectNode().put("account", account).put("batch", batch);
        String expiresAt = Instant.ofEpochSecond(control.nowSeconds() + config.resultTtl().toSeconds()).toString();
        return new StagedBatch(batch, people.size(), chunks.size(), expiresAt, start);
    }

    /**
     * People {@code offset} to {@code offset + max} of a staged batch as an ordinary batch input (its flags, those
     * people, offset): reads the head and the chunks that hold them, nothing else.
     */
    Slice slice(String account, String batch, int offset, int max) {
        String pk = pk(account, batch);
        Map<String, AttributeValue> head = control.get(pk, HEAD).orElseThrow(() -> new KitbridgeException("NotFound",
                "staged batch '" + batch + "' of account '" + account + "' does not exist or has expired: stage it again"));
        String hash = Items.strOr(head, ControlStore.OWNER, "");
        int total = (int) Items.numOr(head, TOTAL, 0);
        if (offset >= total) {
            throw new InvalidInputException("offset", offset + " leaves nobody to provision: staged batch '" + batch
                    + "' has " + total + " people");
        }
        List<Integer> starts = Items.numberListOf(head, STARTS).stream().map(Long::intValue).toList();
        ObjectNode input = (ObjectNode) parse(Items.strOr(head, FLAGS, "{}"), batch);
        ArrayNode people = input.putArray(PEOPLE);
        int end = Math.min(total, offset + max);
        for (int c = chunkOf(starts, offset); c < starts.size() && starts.get(c) < end; c++) {
            int first = starts.get(c);
            int index = c;
            Map<String, AttributeValue> item = control.get(pk, chunkSk(c)).filter(i -> hash.equals(Items.strOr(i, HASH, "")))
                    .orElseThrow(() -> new KitbridgeException("NotFound", "staged batch '" + batch + "' is incomplete"
                            + " (chunk " + index + " is missing): stage it again with the same people"));
            JsonNode chunk = parse(Items.strOr(item, PEOPLE, "[]"), batch);
            for (int i = Math.max(0, offset - first); i < chunk.size() && first + i < end; i++) {
                people.add(chunk.get(i));
            }
        }
        input.put("account", account);
        input.put("offset", offset);
        return new Slice(input, total);
    }

    static Optional<String> batchId(JsonNode input) {
        JsonNode node = input.get("batch");
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual() || !BATCH_ID.matcher(node.asText()).matches()) {
            throw new InvalidInputException("batch", "must be 1-64 characters of letters, digits, '.', '_' or '-'");
        }
        return Optional.of(node.asText());
    }

    private static int chunkOf(List<Integer> starts, int offset) {
        int c = 0;
        while (c + 1 < starts.size() && starts.get(c + 1) <= offset) {
            c++;
        }
        return c;
    }

    private String text(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private JsonNode parse(String text, String batch) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("staged batch " + batch + " holds unreadable JSON", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
