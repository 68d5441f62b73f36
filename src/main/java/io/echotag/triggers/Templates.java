package io.echotag.triggers;

import io.echotag.http.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The template language of trigger actions: JSON values whose strings hold {@code {{path}}}
 * placeholders. Roots: {@code event} ({@code event.<x>} is {@code event.data.<x>} unless {@code x}
 * is a top-level event field), {@code visitor} ({@code visitor.tags} is the list of tag names),
 * {@code trigger} ({@code id}, {@code name}) and {@code execution} ({@code id}); a root alone
 * ({@code {{event}}}) is the whole object.
 *
 * <p>A string that is exactly one placeholder ({@code "{{ event.cart_items }}"}) becomes the
 * value itself, with its JSON type; a missing value becomes {@code null}. Inside a longer string
 * a value is inserted as text — objects and lists as compact JSON, a missing value as nothing.
 * Only values are rendered, never object keys. There is no escape for a literal {@code "{{"}.
 */
public final class Templates {
  private Templates() {
  }

  /**
   * Renders {@code template} (a string, an object or a list, recursively; other values are
   * returned as they are) into a new value; the template is not changed. Never fails: run
   * {@link #validate} when the template is stored; here, what it would reject renders as missing
   * (an unknown root) or as text (an unclosed {@code "{{"}).
   */
  public static Object render(Object template, TemplateContext ctx) {
    if (template instanceof String text) {
      return renderString(text, ctx);
    }
    if (template instanceof JsonObject object) {
      JsonObject rendered = new JsonObject();
      for (String key : object.fieldNames()) {
        rendered.put(key, render(object.getValue(key), ctx));
      }
      return rendered;
    }
    if (template instanceof JsonArray list) {
      JsonArray rendered = new JsonArray();
      for (int i = 0; i < list.size(); i++) {
        rendered.add(render(list.getValue(i), ctx));
      }
      return rendered;
    }
    return template;
  }

  /**
   * Checks every placeholder of {@code template}: a 422 naming the JSON path of the string (e.g.
   * {@code actions.1.body.cart_value}) for an unclosed {@code "{{"}, an empty placeholder or an
   * unknown root or field.
   */
  public static void validate(Object template, String path) {
    if (template instanceof String text) {
      parse(text, path, true);
    } else if (template instanceof JsonObject object) {
      for (String key : object.fieldNames()) {
        validate(object.getValue(key), Invalid.child(path, key));
      }
    } else if (template instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        validate(list.getValue(i), Invalid.child(path, i));
      }
    }
  }

  private static Object renderString(String text, TemplateContext ctx) {
    List<Object> parts = parse(text, null, false);
    if (parts.size() == 1 && parts.get(0) instanceof Placeholder placeholder) {
      return copy(placeholder.resolve(ctx));
    }
    StringBuilder rendered = new StringBuilder(text.length());
    for (Object part : parts) {
      if (part instanceof Placeholder placeholder) {
        rendered.append(asText(placeholder.resolve(ctx)));
      } else {
        rendered.append((String) part);
      }
    }
    return rendered.toString();
  }

  /** A placeholder; {@code path} is null when it cannot be resolved (an unknown root, when not validated). */
  private record Placeholder(FieldPath path) {
    Object resolve(TemplateContext ctx) {
      return path == null ? null : path.resolve(ctx.root(path.root()));
    }
  }

  /**
   * Splits {@code text} into literal strings and placeholders. Strict (validation) fails naming
   * {@code param}; lenient (rendering) keeps a broken {@code "{{"} as text.
   */
  private static List<Object> parse(String text, String param, boolean strict) {
    List<Object> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int from = 0;
    while (from < text.length()) {
      int open = text.indexOf("{{", from);
      int close = open < 0 ? -1 : text.indexOf("}}", open + 2);
      // A "{" between the braces means this "{{" is never closed: "{{a {{b}}".
      if (open >= 0 && (close < 0 || text.substring(open + 2, close).contains("{"))) {
        if (strict) {
          throw Invalid.at(param, "unclosed \"{{\" at character " + open + " of \"" + text + "\"");
        }
        literal.append(text, from, open + 2);
        from = open + 2;
        continue;
      }
      if (open < 0) {
        literal.append(text, from, text.length());
        break;
      }
      literal.append(text, from, open);
      if (!literal.isEmpty()) {
        parts.add(literal.toString());
        literal.setLength(0);
      }
      parts.add(new Placeholder(path(text.substring(open + 2, close).strip(), param, strict)));
      from = close + 2;
    }
    if (!literal.isEmpty() || parts.isEmpty()) {
      parts.add(literal.toString());
    }
    return parts;
  }

  private static FieldPath path(String expression, String param, boolean strict) {
    try {
      if (expression.isEmpty()) {
        throw Invalid.at(param, "empty placeholder {{}}");
      }
      if (expression.chars().anyMatch(Character::isWhitespace)) {
        throw Invalid.at(param, "placeholder {{" + expression + "}} has spaces inside its path");
      }
      return FieldPath.forTemplate(expression, param);
    } catch (ApiError e) {
      if (strict) {
        throw e;
      }
      return null;
    }
  }

  private static String asText(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof JsonObject object) {
      return object.encode();
    }
    if (value instanceof JsonArray list) {
      return list.encode();
    }
    return value.toString();
  }

  /** The rendered value must not share state with the event or visitor it came from. */
  private static Object copy(Object value) {
    if (value instanceof JsonObject object) {
      return object.copy();
    }
    return value instanceof JsonArray list ? list.copy() : value;
  }
}
