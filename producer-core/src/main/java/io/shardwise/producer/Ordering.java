package io.shardwise.producer;

/**
 * How strictly the producer keeps records in the order they were added
 * ({@link ProducerConfig.Builder#ordering(Ordering)}). A record's <em>key</em> here is its 128-bit hash
 * key: the MD5 of its partition key, or its explicit hash key when it has one. Records of one key
 * always go to one shard; records of different keys have no order to keep.
 *
 * <p>"Added order" is the order in which {@code addUserRecord} calls returned; calls made at the
 * same time from different threads have no order between them.
 *
 * <table>
 *   <caption>What each level guarantees</caption>
 *   <tr><th>fault</th><th>{@link #NONE}</th><th>{@link #SHARD}</th><th>{@link #KEY_STRICT}</th></tr>
 *   <tr><td>nothing fails</td><td>no order</td><td>added order</td><td>added order</td></tr>
 *   <tr><td>entry failed or throttled, retried</td><td>no order</td><td>the retry may be stored after later records</td>
 *       <td>added order: the key's later records wait for the retry</td></tr>
 *   <tr><td>request timed out, retried</td><td>no order, duplicates</td><td>no order, duplicates</td>
 *       <td>duplicates possible; no record is stored before an earlier record's first copy</td></tr>
 *   <tr><td>split or merge</td><td>no order</td><td>added order for records not retried</td>
 *       <td>added order; a child shard gets a key's records only after its parent's are resolved</td></tr>
 *   <tr><td>record fails for good (TTL, attempts, rejected)</td><td>later records still sent</td>
 *       <td>later records still sent</td><td>the key's records queued after it fail too
 *       ({@link PrecedingRecordFailedException}): no gap</td></tr>
 * </table>
 */
public enum Ordering {
    /**
     * No order kept: a shard may have several requests in flight at once, so a hot shard gets more
     * concurrency; records of one key may be stored in any order.
     */
    NONE,
    /**
     * One request in flight per shard (the default): records of one key are stored in the order added
     * as long as none of them needs a retry. A retried record may be stored after records of its key
     * added later (it waits out its back-off while they go).
     */
    SHARD,
    /**
     * Records of one key are stored in the order added whatever fails, is throttled, times out or is
     * resharded in between. A record waiting for its retry holds back the later records of its key
     * (records of other keys go on); one request carries a key in one entry only; after a split or
     * merge a child shard gets a key's records only once its parent has none unresolved. If a record
     * fails for good, the records of its key added after it and before its failure was reported (its
     * future completed) fail too, with {@link PrecedingRecordFailedException}: a gap in a strictly
     * ordered sequence is worse than a visible failure. A record added after the report starts the
     * key's sequence again. A request that timed out may have been stored: its retry can store a duplicate,
     * but a later record is never stored before an earlier record's first copy.
     */
    KEY_STRICT
}
