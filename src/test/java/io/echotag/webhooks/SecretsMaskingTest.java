package io.echotag.webhooks;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Secrets and DeliverySender snapshots (masking, truncation)")
class SecretsMaskingTest {
  @Test
  @DisplayName("mask shows **** and the last four characters, and only **** for values of 8 characters or fewer")
  void mask() {
    assertThat(Secrets.mask("sk_live_1234567890abcd")).isEqualTo("****abcd");
    assertThat(Secrets.mask("123456789")).isEqualTo("****6789");
    assertThat(Secrets.mask("12345678")).isEqualTo("****");
    assertThat(Secrets.mask("abc")).isEqualTo("****");
    assertThat(Secrets.mask("")).isEqualTo("****");
    assertThat(Secrets.mask(null)).isNull();
  }

  @Test
  @DisplayName("isMaskOf recognises the masked form of the current value and nothing else")
  void isMaskOf() {
    String current = "sk_live_1234567890abcd";
    assertThat(Secrets.isMaskOf("****abcd", current)).isTrue();
    assertThat(Secrets.isMaskOf(Secrets.mask(current), current)).isTrue();
    assertThat(Secrets.isMaskOf("****abce", current)).isFalse();
    assertThat(Secrets.isMaskOf("abcd", current)).isFalse();
    assertThat(Secrets.isMaskOf(current, current)).isFalse();
    assertThat(Secrets.isMaskOf("****", "short")).isTrue();
    assertThat(Secrets.isMaskOf("****", current)).isFalse();
    assertThat(Secrets.isMaskOf(null, current)).isFalse();
    assertThat(Secrets.isMaskOf("****abcd", null)).isFalse();
  }

  @Test
  @DisplayName("masked hides Authorization, webhook-signature, X-Api-Key and custom token/secret headers, not Content-Type")
  void maskedHeaders() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Authorization", "Bearer abcdefghijklmnop")
        .add("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        .add("X-Api-Key", "key_0123456789")
        .add("X-Auth-Token", "tok_0123456789")
        .add("X-Client-Secret", "cs_0123456789")
        .add("X-SHARED-TOKEN", "short")
        .add("Content-Type", "application/json")
        .add("User-Agent", DeliverySender.USER_AGENT)
        .add("webhook-id", "dlv_123");

    JsonObject masked = DeliverySender.masked(headers);

    assertThat(masked.getString("Authorization")).isEqualTo("****mnop");
    assertThat(masked.getString("webhook-signature")).isEqualTo("****1OE=");
    assertThat(masked.getString("X-Api-Key")).isEqualTo("****6789");
    assertThat(masked.getString("X-Auth-Token")).isEqualTo("****6789");
    assertThat(masked.getString("X-Client-Secret")).isEqualTo("****6789");
    assertThat(masked.getString("X-SHARED-TOKEN")).isEqualTo("****");
    assertThat(masked.getString("Content-Type")).isEqualTo("application/json");
    assertThat(masked.getString("User-Agent")).isEqualTo(DeliverySender.USER_AGENT);
    assertThat(masked.getString("webhook-id")).isEqualTo("dlv_123");
    assertThat(masked.encode()).doesNotContain("abcdefghijkl", "g0hM9SsE", "key_0123", "tok_0123", "cs_0123");
  }

  @Test
  @DisplayName("sensitive is case-insensitive and covers the usual credential header names")
  void sensitive() {
    for (String name : new String[] {"authorization", "AUTHORIZATION", "Proxy-Authorization", "Cookie",
        "Webhook-Signature", "X-Hub-Signature-256", "x-api-key", "X-APIKEY", "X-Access-Token", "X-Webhook-Secret",
        "X-Password"}) {
      assertThat(DeliverySender.sensitive(name)).as(name).isTrue();
    }
    for (String name : new String[] {"Content-Type", "content-type", "User-Agent", "Accept", "webhook-id",
        "webhook-timestamp", "X-Request-Id"}) {
      assertThat(DeliverySender.sensitive(name)).as(name).isFalse();
    }
  }

  @Test
  @DisplayName("truncate keeps short bodies whole and cuts long ASCII bodies to exactly 4096 bytes")
  void truncateAscii() {
    assertThat(DeliverySender.truncate(null)).isNull();
    assertThat(DeliverySender.truncate("")).isEmpty();
    String exact = "a".repeat(4096);
    assertThat(DeliverySender.truncate(exact)).isSameAs(exact);
    String longer = "b".repeat(10_000);
    assertThat(DeliverySender.truncate(longer)).isEqualTo("b".repeat(4096));
  }

  @Test
  @DisplayName("truncate never exceeds 4096 bytes, even when the cut falls inside a multi-byte character")
  void truncateMultiByte() {
    for (int offset = 0; offset < 4; offset++) {
      for (String ch : new String[] {"\u00e9", "\u20ac", "\ud83d\ude00"}) {
        String body = "a".repeat(offset) + ch.repeat(3000);
        String cut = DeliverySender.truncate(body);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).as("offset %d, %s", offset, ch)
            .isLessThanOrEqualTo(4096).isGreaterThan(4096 - 4);
        assertThat(body).as("offset %d, %s", offset, ch).startsWith(cut);
        assertThat(cut).doesNotContain("\ufffd");
      }
    }
  }
}
