package io.shardwise.producer.aggregation;

import java.util.Arrays;

/**
 * One deduplicated key table of an aggregate ({@code partition_key_table} or {@code
 * explicit_hash_key_table}): the keys in the order first added, each with its UTF-8 length, and an
 * open-addressing index from key to position.
 *
 * <p>Built for {@link RecordAggregator}'s hot path: {@link #clear()} keeps every array for the next
 * aggregate and costs only the keys it held, and the last key looked up is remembered with its
 * answer, so asking again for the same key (an equal string, or the same instance asked by {@code
 * sizeIfAdded} and then {@code tryAdd}) does not hash or probe again. The capacity stays at its
 * largest until the table is dropped. Not thread-safe.
 */
final class KeyTable {

  private static final int INITIAL_KEYS = 16;
  private static final int INITIAL_SLOTS = 32;
  /** Multiplier spreading {@link String#hashCode()} over the slots' index (2^32 / golden ratio). */
  private static final int HASH_SPREAD = 0x9E3779B9;

  private final byte tag;

  private String[] keys = new String[INITIAL_KEYS];
  private int[] utf8Lengths = new int[INITIAL_KEYS];
  /** The slot each key sits in, so that clearing touches only the slots in use. */
  private int[] slotOfKey = new int[INITIAL_KEYS];
  private int size;

  /**
   * The index: two ints per slot, the key's index + 1 (0 for an empty slot) and its hash code, so
   * that a collision is passed over without reading the key. A power of two slots, at most half
   * of them used.
   */
  private int[] slots = new int[2 * INITIAL_SLOTS];
  /** 32 minus log2 of the slot count: the hash's top bits pick the first slot to probe. */
  private int slotShift = Integer.SIZE - Integer.numberOfTrailingZeros(INITIAL_SLOTS);

  /**
   * The key last looked up or added, its hash code, its index (-1: absent) and where an absent one
   * would go.
   */
  private String lastKey;
  private int lastHash;
  private int lastIndex = -1;
  private int lastFreeSlot;
  /** {@code lastKey}'s UTF-8 length, or -1 when not measured yet. */
  private long lastUtf8Length = -1;

  /**
   * Creates an empty table for the repeated {@code string} field {@code fieldNumber}.
   *
   * @param fieldNumber the table's field number in {@code AggregatedRecord} (1 to 15)
   */
  KeyTable(int fieldNumber) {
    this.tag = ProtobufWire.tag(fieldNumber, ProtobufWire.WIRETYPE_LENGTH_DELIMITED);
  }

  /** Returns the number of keys. */
  int size() {
    return size;
  }

  /** Returns the key at {@code index} (0 to size - 1). */
  String key(int index) {
    return keys[index];
  }

  /** Returns the index of {@code key}, or -1 if the table does not hold it. */
  int indexOf(String key) {
    if (key == lastKey) {
      return lastIndex;
    }
    int hash = key.hashCode(); // cached in the string after the first call
    if (hash == lastHash && key.equals(lastKey)) {
      lastKey = key; // the same answer and length; the next call can match by identity
      return lastIndex;
    }
    int mask = slotCount() - 1;
    for (int slot = firstSlot(hash); ; slot = (slot + 1) & mask) {
      int entry = slots[2 * slot];
      if (entry == 0) {
        remember(key, hash, -1, slot, -1);
        return -1;
      }
      if (slots[2 * slot + 1] == hash && key.equals(keys[entry - 1])) {
        remember(key, hash, entry - 1, slot, utf8Lengths[entry - 1]);
        return entry - 1;
      }
    }
  }

  /**
   * Returns the bytes an entry for {@code key} takes in the protobuf message: tag, length varint and
   * the key's UTF-8 bytes. Measures the key once however often it is asked, while it is the last key
   * looked up.
   */
  long entrySize(String key) {
    long length = utf8Length(key);
    return ProtobufWire.TAG_SIZE + ProtobufWire.varintSize(length) + length;
  }

  /**
   * Returns the index of {@code key}, adding it at the end if the table does not hold it.
   *
   * @param key a key whose entry fits the aggregate (its UTF-8 length fits an {@code int})
   */
  int indexOrAdd(String key) {
    int index = indexOf(key);
    if (index >= 0) {
      return index;
    }
    // indexOf left key as the last key, with the free slot it would go in.
    if (size == keys.length) {
      int capacity = size * 2;
      keys = Arrays.copyOf(keys, capacity);
      utf8Lengths = Arrays.copyOf(utf8Lengths, capacity);
      slotOfKey = Arrays.copyOf(slotOfKey, capacity);
    }
    index = size++;
    keys[index] = key;
    utf8Lengths[index] = (int) utf8Length(key);
    slots[2 * lastFreeSlot] = index + 1;
    slots[2 * lastFreeSlot + 1] = lastHash;
    slotOfKey[index] = lastFreeSlot;
    if (size * 2 > slotCount()) {
      growSlots();
    }
    remember(key, lastHash, index, slotOfKey[index], utf8Lengths[index]);
    return index;
  }

  /**
   * Writes every entry (tag, length, UTF-8 bytes) in index order at {@code pos}.
   *
   * @return the position after the last entry
   */
  int writeTo(byte[] out, int pos) {
    for (int i = 0; i < size; i++) {
      out[pos++] = tag;
      pos = ProtobufWire.writeVarint(out, pos, utf8Lengths[i]);
      pos = ProtobufWire.writeUtf8(out, pos, keys[i]);
    }
    return pos;
  }

  /** Removes every key, keeping the arrays for reuse. */
  void clear() {
    for (int i = 0; i < size; i++) {
      slots[2 * slotOfKey[i]] = 0;
      keys[i] = null;
    }
    size = 0;
    remember(null, 0, -1, 0, -1);
  }

  private long utf8Length(String key) {
    if (key != lastKey) {
      indexOf(key); // makes key the last key (its length is known if the table holds it)
    }
    if (lastUtf8Length < 0) {
      lastUtf8Length = ProtobufWire.utf8Length(key);
    }
    return lastUtf8Length;
  }

  private int firstSlot(int hash) {
    return (hash * HASH_SPREAD) >>> slotShift;
  }

  private int slotCount() {
    return slots.length >> 1;
  }

  private void growSlots() {
    slots = new int[slots.length * 2];
    slotShift--;
    int mask = slotCount() - 1;
    for (int i = 0; i < size; i++) {
      int hash = keys[i].hashCode();
      int slot = firstSlot(hash);
      while (slots[2 * slot] != 0) {
        slot = (slot + 1) & mask;
      }
      slots[2 * slot] = i + 1;
      slots[2 * slot + 1] = hash;
      slotOfKey[i] = slot;
    }
  }

  private void remember(String key, int hash, int index, int freeSlot, long utf8Length) {
    lastKey = key;
    lastHash = hash;
    lastIndex = index;
    lastFreeSlot = freeSlot;
    lastUtf8Length = utf8Length;
  }
}
