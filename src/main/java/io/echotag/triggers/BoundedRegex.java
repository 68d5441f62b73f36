package io.echotag.triggers;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A user's regular expression, bounded in size and in time. {@link Pattern} backtracks, so a
 * pattern like {@code (a+)+$} takes exponential time on {@code "aaaa…!"}; rules run on shared
 * threads, so every match is given a budget of character reads and a blown budget counts as no
 * match. The input is wrapped in a {@link CharSequence} that counts {@code charAt} calls: every
 * step of the matcher reads the input, so the count bounds the work.
 */
final class BoundedRegex {
  static final int MAX_PATTERN_LENGTH = 256;
  static final int DEFAULT_STEP_BUDGET = 100_000;

  private final Pattern pattern;
  private final int budget;

  private BoundedRegex(Pattern pattern, int budget) {
    this.pattern = pattern;
    this.budget = budget;
  }

  /** Compiles {@code regex} once; fails with a 422 naming {@code param} when it is too long or invalid. */
  static BoundedRegex compile(String regex, String param) {
    if (regex.length() > MAX_PATTERN_LENGTH) {
      throw Invalid.at(param, "\"matches\" pattern is longer than " + MAX_PATTERN_LENGTH + " characters");
    }
    try {
      return new BoundedRegex(Pattern.compile(regex), DEFAULT_STEP_BUDGET);
    } catch (PatternSyntaxException e) {
      throw Invalid.at(param, "\"matches\" pattern is not a valid regular expression: " + e.getDescription()
          + " near index " + e.getIndex());
    }
  }

  /** Whether the pattern occurs anywhere in {@code input} (anchor it with ^ and $ for a whole match). */
  boolean find(String input) {
    try {
      return pattern.matcher(new CountingSequence(input, 0, input.length(), new int[] {budget})).find();
    } catch (BudgetExceeded e) {
      return false;
    } catch (StackOverflowError e) {
      // Some constructs (a repeated group on a long input) recurse once per character; a user's
      // pattern must not take the thread down, and a match it cannot finish is no match.
      return false;
    }
  }

  @Override
  public String toString() {
    return pattern.pattern();
  }

  private static final class BudgetExceeded extends RuntimeException {
    private static final BudgetExceeded INSTANCE = new BudgetExceeded();

    private BudgetExceeded() {
      super("regex step budget exceeded", null, false, false);
    }
  }

  /** A view of the input that spends one unit of a shared budget per character read. */
  private static final class CountingSequence implements CharSequence {
    private final String text;
    private final int start;
    private final int end;
    private final int[] remaining;

    CountingSequence(String text, int start, int end, int[] remaining) {
      this.text = text;
      this.start = start;
      this.end = end;
      this.remaining = remaining;
    }

    @Override
    public char charAt(int index) {
      if (--remaining[0] < 0) {
        throw BudgetExceeded.INSTANCE;
      }
      return text.charAt(start + index);
    }

    @Override
    public int length() {
      return end - start;
    }

    @Override
    public CharSequence subSequence(int from, int to) {
      return new CountingSequence(text, start + from, start + to, remaining);
    }

    @Override
    public String toString() {
      return text.substring(start, end);
    }
  }
}
