package io.echotag.webhooks;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Signer (Standard Webhooks signatures)")
class SignerTest {
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long TIMESTAMP = 1614265330L;
  static final String BODY = "{\"test\": 2432232314}";
  static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  /** An independent implementation of the scheme, written from the specification, not from Signer. */
  static String reference(String secret, String id, long timestamp, String body) throws Exception {
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] signed = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
    return "v1," + Base64.getEncoder().encodeToString(signed);
  }

  @Test
  @DisplayName("the official Standard Webhooks test vector gives the published signature")
  void officialVector() {
    assertThat(Signer.sign(SECRET, ID, TIMESTAMP, BODY)).isEqualTo(EXPECTED);
  }

  @Test
  @DisplayName("the published signature is also what javax.crypto computes directly")
  void referenceAgreesWithVector() throws Exception {
    assertThat(reference(SECRET, ID, TIMESTAMP, BODY)).isEqualTo(EXPECTED);
  }

  @Test
  @DisplayName("signatures of fresh secrets and non-ASCII bodies verify with an independent HMAC")
  void independentVerification() throws Exception {
    for (int i = 0; i < 20; i++) {
      String secret = Signer.newSecret();
      String body = "{\"i\": " + i + ", \"text\": \"h\u00e9llo \u2603 \ud83d\ude00\"}";
      assertThat(Signer.sign(secret, "msg_" + i, TIMESTAMP + i, body))
          .isEqualTo(reference(secret, "msg_" + i, TIMESTAMP + i, body));
    }
  }

  @Test
  @DisplayName("changing the id, the timestamp or one byte of the body changes the signature")
  void everyPartIsSigned() {
    assertThat(Signer.sign(SECRET, ID + "x", TIMESTAMP, BODY)).isNotEqualTo(EXPECTED);
    assertThat(Signer.sign(SECRET, ID, TIMESTAMP + 1, BODY)).isNotEqualTo(EXPECTED);
    assertThat(Signer.sign(SECRET, ID, TIMESTAMP, "{\"test\": 2432232315}")).isNotEqualTo(EXPECTED);
  }

  @Test
  @DisplayName("two secrets in force give two space-separated signatures, in the order of the secrets")
  void twoSecrets() throws Exception {
    String other = Signer.newSecret();
    String header = Signer.header(List.of(SECRET, other), ID, TIMESTAMP, BODY);

    assertThat(header.split(" ")).containsExactly(EXPECTED, reference(other, ID, TIMESTAMP, BODY));
    assertThat(header).doesNotContain("  ").doesNotStartWith(" ").doesNotEndWith(" ");
  }

  @Test
  @DisplayName("one secret gives exactly one signature with no separator")
  void oneSecret() {
    assertThat(Signer.header(List.of(SECRET), ID, TIMESTAMP, BODY)).isEqualTo(EXPECTED);
  }

  @Test
  @DisplayName("newSecret is whsec_ followed by the base64 of 24 random bytes, different every time")
  void newSecretFormat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String secret = Signer.newSecret();
      assertThat(secret).startsWith("whsec_").matches("whsec_[A-Za-z0-9+/]{32}");
      assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(24);
      assertThat(Signer.isValidSecret(secret)).isTrue();
      seen.add(secret);
    }
    assertThat(seen).hasSize(100);
  }

  @Test
  @DisplayName("isValidSecret accepts whsec_ + base64 of at least 16 bytes and refuses everything else")
  void isValidSecret() {
    String sixteen = "whsec_" + Base64.getEncoder().encodeToString(new byte[16]);
    String fifteen = "whsec_" + Base64.getEncoder().encodeToString(new byte[15]);

    assertThat(Signer.isValidSecret(SECRET)).isTrue();
    assertThat(Signer.isValidSecret(sixteen)).isTrue();
    assertThat(Signer.isValidSecret(fifteen)).isFalse();
    assertThat(Signer.isValidSecret(null)).isFalse();
    assertThat(Signer.isValidSecret("")).isFalse();
    assertThat(Signer.isValidSecret("whsec_")).isFalse();
    assertThat(Signer.isValidSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).isFalse();
    assertThat(Signer.isValidSecret("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).isFalse();
    assertThat(Signer.isValidSecret("whsec_not base64 at all!!")).isFalse();
    assertThat(Signer.isValidSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwA")).isFalse();
  }
}
