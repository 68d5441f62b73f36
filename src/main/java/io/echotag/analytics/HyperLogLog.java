package io.echotag.analytics;

import java.util.Arrays;

/**
 * A HyperLogLog distinct-count sketch (Flajolet et al., with the linear-counting correction for
 * small cardinalities): 2^{@value #PRECISION} one-byte registers, a standard error of about
 * 1.6 %, and a union that is a register-wise maximum, so the sketches of several seconds and
 * several nodes merge into the sketch of their combined visitors. Not thread-safe.
 */
final class HyperLogLog {
  static final int PRECISION = 12;
  static final int REGISTERS = 1 << PRECISION;
  private static final double ALPHA = 0.7213 / (1 + 1.079 / REGISTERS);

  private final byte[] registers;

  HyperLogLog() {
    this(new byte[REGISTERS]);
  }

  private HyperLogLog(byte[] registers) {
    this.registers = registers;
  }

  /** A sketch from {@link #toBytes()}; fails on a wrong length. */
  static HyperLogLog fromBytes(byte[] bytes) {
    if (bytes.length != REGISTERS) {
      throw new IllegalArgumentException("a sketch has " + REGISTERS + " registers, got " + bytes.length);
    }
    return new HyperLogLog(bytes.clone());
  }

  void add(String value) {
    long hash = hash(value);
    int index = (int) (hash >>> (64 - PRECISION));
    // Leading zeros of the remaining bits, plus one; the sentinel bit bounds it.
    int rank = Long.numberOfLeadingZeros((hash << PRECISION) | (1L << (PRECISION - 1))) + 1;
    if (rank > registers[index]) {
      registers[index] = (byte) rank;
    }
  }

  void merge(HyperLogLog other) {
    for (int i = 0; i < REGISTERS; i++) {
      if (other.registers[i] > registers[i]) {
        registers[i] = other.registers[i];
      }
    }
  }

  long estimate() {
    double sum = 0;
    int zeros = 0;
    for (byte register : registers) {
      sum += 1.0 / (1L << register);
      if (register == 0) {
        zeros++;
      }
    }
    double raw = ALPHA * REGISTERS * REGISTERS / sum;
    if (raw <= 2.5 * REGISTERS && zeros > 0) {
      return Math.round(REGISTERS * Math.log((double) REGISTERS / zeros));
    }
    return Math.round(raw);
  }

  byte[] toBytes() {
    return registers.clone();
  }

  HyperLogLog copy() {
    return new HyperLogLog(registers.clone());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HyperLogLog other && Arrays.equals(registers, other.registers);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(registers);
  }

  /** 64-bit FNV-1a over the UTF-16 units, then MurmurHash3's finalizer to spread the bits. */
  static long hash(String value) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < value.length(); i++) {
      h ^= value.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
