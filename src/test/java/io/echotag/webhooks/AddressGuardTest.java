package io.echotag.webhooks;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("AddressGuard (SSRF protection of webhook targets)")
class AddressGuardTest {
  @Test
  @DisplayName("the IPv6 cloud metadata address fd00:ec2::254 stays refused even when private networks are allowed")
  void ipv6MetadataAlwaysRefused() {
    assertThat(new AddressGuard(true).urlProblem("http://[fd00:ec2::254]/latest/meta-data")).isNotNull();
    assertThat(new AddressGuard(true).urlProblem("http://[fd00:ec2::253]/")).isNull();
  }

  static final AddressGuard STRICT = new AddressGuard(false);
  static final AddressGuard LENIENT = new AddressGuard(true);

  static InetAddress literal(String host) {
    InetAddress address = AddressGuard.literal(host);
    assertThat(address).as("literal(%s)", host).isNotNull();
    return address;
  }

  @Nested
  @DisplayName("with allow_private_networks=false")
  class Strict {
    @ParameterizedTest(name = "{0} is refused")
    @DisplayName("loopback, private, CGNAT, link-local, metadata and unspecified addresses are refused")
    @ValueSource(strings = {
        "http://127.0.0.1/", "http://127.0.0.1:8080/hook", "https://127.0.0.2/", "http://127.255.255.254/",
        "http://10.0.0.1", "http://10.255.255.255/", "http://172.16.0.1", "http://172.31.255.255",
        "http://192.168.1.1", "http://100.64.0.1", "http://100.127.255.254/", "http://169.254.169.254/",
        "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/", "http://0.0.0.0:80/",
        "http://255.255.255.255/", "http://224.0.0.1/"})
    void ipv4Refused(String url) {
      assertThat(STRICT.urlProblem(url)).as(url).isNotNull();
    }

    @ParameterizedTest(name = "{0} is refused")
    @DisplayName("IPv6 loopback, unspecified, ULA, link-local and IPv4-mapped private addresses are refused")
    @ValueSource(strings = {
        "http://[::1]/", "http://[0:0:0:0:0:0:0:1]/", "http://[::]/", "http://[fc00::1]/", "http://[fd12:3456::1]/",
        "http://[fe80::1]/", "http://[febf::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:10.0.0.1]/",
        "http://[::ffff:7f00:1]/", "http://[::ffff:169.254.169.254]/", "http://[::127.0.0.1]/",
        "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::]/", "http://[ff02::1]/", "https://[::1]:8443/x"})
    void ipv6Refused(String url) {
      assertThat(STRICT.urlProblem(url)).as(url).isNotNull();
    }

    @ParameterizedTest(name = "{0} is refused")
    @DisplayName("numeric spellings of loopback that C resolvers accept are refused")
    @ValueSource(strings = {
        "http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/", "http://127.1/", "http://0x7f000001/",
        "http://0X7F000001/", "http://0x7f.0.0.1/", "http://017700000001/", "http://127.0.1/", "http://0/",
        "http://167772161/", "http://0xa9fea9fe/", "http://127.0.0.1./"})
    void numericSpellingsRefused(String url) {
      assertThat(STRICT.urlProblem(url)).as(url).isNotNull();
    }

    @ParameterizedTest(name = "{0} is refused")
    @DisplayName("schemes other than http and https, and URLs without a host, are refused")
    @ValueSource(strings = {
        "ftp://example.com/", "ftp://8.8.8.8/file", "file:///etc/passwd", "gopher://example.com:70/_x",
        "gopher://127.0.0.1:6379/_INFO", "javascript:alert(1)", "mailto:a@example.com", "example.com/hook",
        "http:///path", "not a url", "dict://127.0.0.1:11211/"})
    void schemesRefused(String url) {
      assertThat(STRICT.urlProblem(url)).as(url).isNotNull();
    }

    @ParameterizedTest(name = "{0} is allowed")
    @DisplayName("public addresses and ordinary host names are allowed")
    @ValueSource(strings = {
        "http://8.8.8.8/", "https://93.184.216.34/", "http://[2606:4700::1111]/", "https://example.com/hook",
        "HTTPS://Example.COM/hook?x=1", "http://172.32.0.1/", "http://172.15.255.255/", "http://100.128.0.1/",
        "http://192.169.0.1/", "http://11.0.0.1/", "https://hooks.example.com:8443/a/b"})
    void publicAllowed(String url) {
      assertThat(STRICT.urlProblem(url)).as(url).isNull();
    }

    @Test
    @DisplayName("the refusal says which address the URL stands for")
    void messageNamesAddress() {
      assertThat(STRICT.urlProblem("http://2130706433/")).contains("127.0.0.1");
      assertThat(STRICT.urlProblem("http://169.254.169.254/")).contains("169.254.169.254");
      assertThat(STRICT.urlProblem("ftp://example.com/")).isEqualTo("url must use http or https");
    }
  }

  @Nested
  @DisplayName("with allow_private_networks=true")
  class Lenient {
    @ParameterizedTest(name = "{0} is allowed")
    @DisplayName("loopback, RFC 1918, CGNAT and ULA addresses are allowed")
    @ValueSource(strings = {
        "http://127.0.0.1/", "http://127.0.0.1:8080/hook", "http://10.0.0.1", "http://172.16.0.1",
        "http://172.31.255.255", "http://192.168.1.1", "http://100.64.0.1", "http://[::1]/", "http://[fd12:3456::1]/",
        "http://[::ffff:127.0.0.1]/", "http://2130706433/", "http://0x7f000001/", "http://8.8.8.8/"})
    void privateAllowed(String url) {
      assertThat(LENIENT.urlProblem(url)).as(url).isNull();
    }

    @ParameterizedTest(name = "{0} is still refused")
    @DisplayName("metadata, link-local, unspecified, multicast and broadcast addresses stay refused")
    @ValueSource(strings = {
        "http://169.254.169.254/", "http://0.0.0.0/", "http://[::]/", "http://[fe80::1]/", "http://0xa9fea9fe/",
        "http://[::ffff:169.254.169.254]/", "http://[::ffff:0.0.0.0]/", "http://0/", "http://224.0.0.1/",
        "http://255.255.255.255/", "http://[ff02::1]/"})
    void forbiddenStillRefused(String url) {
      assertThat(LENIENT.urlProblem(url)).as(url).isNotNull();
    }

    @ParameterizedTest(name = "{0} is still refused")
    @DisplayName("schemes other than http and https stay refused")
    @ValueSource(strings = {"ftp://127.0.0.1/", "file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO"})
    void schemesStillRefused(String url) {
      assertThat(LENIENT.urlProblem(url)).as(url).isNotNull();
    }
  }

  @Nested
  @DisplayName("literal and classify")
  class Classification {
    @Test
    @DisplayName("inet_aton spellings read as the address they stand for")
    void inetAton() {
      assertThat(literal("2130706433").getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(literal("0x7f.1").getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(literal("0177.0.0.1").getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(literal("127.1").getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(literal("0x7f000001").getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(literal("10.1.2").getHostAddress()).isEqualTo("10.1.0.2");
      assertThat(literal("8.8.8.8").getHostAddress()).isEqualTo("8.8.8.8");
    }

    @Test
    @DisplayName("names and out-of-range numbers are not literals")
    void notLiterals() {
      assertThat(AddressGuard.literal("example.com")).isNull();
      assertThat(AddressGuard.literal("localhost")).isNull();
      assertThat(AddressGuard.literal("4294967296")).isNull();
      assertThat(AddressGuard.literal("256.0.0.1")).isNull();
      assertThat(AddressGuard.literal("1.2.3.4.5")).isNull();
      assertThat(AddressGuard.literal("1..2")).isNull();
      assertThat(AddressGuard.literal("08.0.0.1")).isNull();
    }

    @Test
    @DisplayName("each range gets its verdict")
    void verdicts() {
      assertThat(AddressGuard.classify(literal("127.0.0.1"))).isEqualTo(AddressGuard.Verdict.PRIVATE);
      assertThat(AddressGuard.classify(literal("10.0.0.1"))).isEqualTo(AddressGuard.Verdict.PRIVATE);
      assertThat(AddressGuard.classify(literal("172.16.0.1"))).isEqualTo(AddressGuard.Verdict.PRIVATE);
      assertThat(AddressGuard.classify(literal("192.168.1.1"))).isEqualTo(AddressGuard.Verdict.PRIVATE);
      assertThat(AddressGuard.classify(literal("100.64.0.1"))).isEqualTo(AddressGuard.Verdict.PRIVATE);
      assertThat(AddressGuard.classify(literal("::1"))).isEqualTo(AddressGuard.Verdict.PRIVATE);
      assertThat(AddressGuard.classify(literal("fd12:3456::1"))).isEqualTo(AddressGuard.Verdict.PRIVATE);
      assertThat(AddressGuard.classify(literal("::ffff:10.0.0.1"))).isEqualTo(AddressGuard.Verdict.PRIVATE);
      assertThat(AddressGuard.classify(literal("169.254.169.254"))).isEqualTo(AddressGuard.Verdict.FORBIDDEN);
      assertThat(AddressGuard.classify(literal("0.0.0.0"))).isEqualTo(AddressGuard.Verdict.FORBIDDEN);
      assertThat(AddressGuard.classify(literal("::"))).isEqualTo(AddressGuard.Verdict.FORBIDDEN);
      assertThat(AddressGuard.classify(literal("fe80::1"))).isEqualTo(AddressGuard.Verdict.FORBIDDEN);
      assertThat(AddressGuard.classify(literal("8.8.8.8"))).isEqualTo(AddressGuard.Verdict.PUBLIC);
      assertThat(AddressGuard.classify(literal("2606:4700::1111"))).isEqualTo(AddressGuard.Verdict.PUBLIC);
    }

    @Test
    @DisplayName("allows() follows the verdict and the switch")
    void allows() {
      assertThat(STRICT.allows(literal("127.0.0.1"))).isFalse();
      assertThat(LENIENT.allows(literal("127.0.0.1"))).isTrue();
      assertThat(LENIENT.allows(literal("169.254.169.254"))).isFalse();
      assertThat(STRICT.allows(literal("8.8.8.8"))).isTrue();
    }
  }
}
