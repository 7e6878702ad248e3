package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.options.AddressRule;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.options.OptionParser;
import io.iperf3j.internal.options.ParseResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --allow/--deny: longest prefix wins, deny on a tie, the default, IPv6 and mapped v4, @file errors. */
@Timeout(10)
class AddressFilterTest {
    @TempDir
    Path dir;

    private static AddressFilter filter(String... rules) {
        List<AddressRule> list = new ArrayList<>();
        for (String r : rules) {
            list.add(AddressRule.parse(r.substring(1), r.charAt(0) == '+'));
        }
        return new AddressFilter(list);
    }

    private static AddressFilter.Decision check(AddressFilter f, String address) {
        return f.check(InetAddress.ofLiteral(address));
    }

    @Test
    void theLongestMatchingPrefixDecidesWhateverTheOrder() {
        for (AddressFilter f : List.of(filter("+10.0.0.0/8", "-10.9.0.0/16"), filter("-10.9.0.0/16", "+10.0.0.0/8"))) {
            assertThat(check(f, "10.1.2.3").allowed()).isTrue();
            assertThat(check(f, "10.1.2.3").ruleText()).isEqualTo("10.0.0.0/8");
            assertThat(check(f, "10.9.1.1").allowed()).isFalse();
            assertThat(check(f, "10.9.1.1").ruleText()).isEqualTo("10.9.0.0/16");
            assertThat(check(f, "192.0.2.1").allowed()).as("no rule matches, and some --allow is given").isFalse();
            assertThat(check(f, "192.0.2.1").ruleText()).isEqualTo("default");
        }
        AddressFilter nested = filter("+10.0.0.0/8", "-10.9.0.0/16", "+10.9.8.7");
        assertThat(check(nested, "10.9.8.7").allowed()).isTrue();
        assertThat(check(nested, "10.9.8.6").allowed()).isFalse();
    }

    @Test
    void anAllowAndADenyOfTheSamePrefixDeny() {
        for (AddressFilter f : List.of(filter("+192.0.2.0/24", "-192.0.2.0/24"), filter("-192.0.2.0/24", "+192.0.2.0/24"))) {
            assertThat(check(f, "192.0.2.77").allowed()).isFalse();
            assertThat(check(f, "192.0.2.77").ruleText()).isEqualTo("192.0.2.0/24");
        }
    }

    @Test
    void withoutAnAllowEveryAddressNoRuleDeniesIsServed() {
        AddressFilter f = filter("-127.0.0.9", "-2001:db8::/32");
        assertThat(check(f, "127.0.0.9").allowed()).isFalse();
        assertThat(check(f, "127.0.0.9").ruleText()).isEqualTo("127.0.0.9/32");
        assertThat(check(f, "127.0.0.8").allowed()).isTrue();
        assertThat(check(f, "2001:db8:5::1").allowed()).isFalse();
        assertThat(check(f, "2001:db8:5::1").ruleText()).isEqualTo("2001:db8::/32");
        assertThat(check(f, "2001:db9::1").allowed()).isTrue();
        assertThat(check(f, "::1").allowed()).isTrue();
    }

    @Test
    void familiesAreapartAndAMappedAddressIsItsIpv4() throws Exception {
        AddressFilter f = filter("+0.0.0.0/0", "-::/0");
        assertThat(check(f, "203.0.113.5").allowed()).isTrue();
        assertThat(check(f, "::1").allowed()).isFalse();
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 203, 0, 113, 5};
        assertThat(f.check(InetAddress.getByAddress(mapped)).allowed()).isTrue();
        AddressFilter v4Only = filter("-203.0.113.0/24");
        assertThat(v4Only.check(InetAddress.getByAddress(mapped)).allowed()).isFalse();
    }

    @Test
    void aPrefixHasItsHostBitsCleared() {
        AddressRule r = AddressRule.parse("10.9.255.3/16", false);
        assertThat(AddressFilter.prefix(r)).isEqualTo("10.9.0.0/16");
        assertThat(AddressFilter.prefix(AddressRule.parse("2001:db8:ffff::1/33", true))).isEqualTo("2001:db8:8000::/33");
        assertThat(AddressFilter.prefix(AddressRule.parse("::1", true))).isEqualTo("::1/128");
        assertThatThrownBy(() -> AddressRule.parse("10.0.0.0/33", true)).hasMessageContaining("longer than 32 bits");
        assertThatThrownBy(() -> AddressRule.parse("example.com", true)).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> AddressRule.parse("10.0.0.0/x", true)).hasMessageContaining("not a prefix length");
        assertThatThrownBy(() -> AddressRule.parse("10.0.0.0/-1", true)).hasMessageContaining("not a prefix length");
    }

    private static ParseResult parse(String... args) {
        return OptionParser.parse(args);
    }

    @Test
    void aFileIsReadOnceWithCommentsAndABadLineNamesItsFileAndLine() throws Exception {
        Path rules = dir.resolve("deny.txt");
        Files.writeString(rules, "# the bad ones\n\n10.9.0.0/16   # a comment\n  2001:db8::/32\n");
        ParseResult ok = parse("-s", "--allow", "10.0.0.0/8", "--deny", "@" + rules);
        assertThat(ok).isInstanceOf(ParseResult.Run.class);
        IperfOptions o = ((ParseResult.Run) ok).options();
        assertThat(o.addressRules()).extracting(AddressFilter::prefix)
                .containsExactly("10.0.0.0/8", "10.9.0.0/16", "2001:db8::/32");
        assertThat(o.addressRules()).extracting(AddressRule::allow).containsExactly(true, false, false);

        Files.writeString(rules, "10.9.0.0/16\n\n10.300.0.0/16\n");
        assertThat(parse("-s", "--deny", "@" + rules)).isInstanceOf(ParseResult.Failure.class)
                .extracting(r -> ((ParseResult.Failure) r).message())
                .isEqualTo("iperf3j: parameter error - invalid --allow or --deny rule: " + rules + ":3: not an IP address:"
                        + " '10.300.0.0'");
        assertThat(parse("-s", "--allow", "@" + dir.resolve("missing.txt"))).isInstanceOf(ParseResult.Failure.class)
                .extracting(r -> ((ParseResult.Failure) r).message()).asString()
                .startsWith("iperf3j: parameter error - invalid --allow or --deny rule: cannot read " + dir.resolve("missing.txt"));
        assertThat(parse("-s", "--deny", "10.0.0.0/40")).isInstanceOf(ParseResult.Failure.class)
                .extracting(r -> ((ParseResult.Failure) r).message())
                .isEqualTo("iperf3j: parameter error - invalid --allow or --deny rule: --deny 10.0.0.0/40: prefix length 40"
                        + " is longer than 32 bits");
        assertThat(parse("-c", "h", "--deny", "10.0.0.0/8")).isInstanceOf(ParseResult.Failure.class)
                .extracting(r -> ((ParseResult.Failure) r).message()).asString().contains("server only");
    }
}
