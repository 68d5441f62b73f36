package io.echotag.triggers;

/**
 * A compiled condition: a pure predicate over one event and its visitor. Instances are immutable
 * and safe to share between threads; compile them once with {@link Conditions#parse}.
 */
@FunctionalInterface
public interface Condition {
  /** The condition that always holds: what an empty conditions object compiles to. */
  Condition ALWAYS = ctx -> true;

  boolean matches(EvalContext ctx);
}
