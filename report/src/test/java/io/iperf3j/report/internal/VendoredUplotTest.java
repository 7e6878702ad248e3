package io.iperf3j.report.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * uPlot is committed in the repository (issue 46: the build ran {@code npm pack}, and a clone without
 * npm did not build): the files the page inlines are the ones {@code report/vendor/uplot.sha256} names,
 * byte for byte, with their licence. {@code report/vendor/update-uplot.sh} (by hand, with npm) checks
 * them against npm's tarball and writes that file.
 */
class VendoredUplotTest {
    @Test
    void theVendoredFilesAreTheOnesTheChecksumsName() throws IOException, NoSuchAlgorithmException {
        List<String> lines = Files.readAllLines(Path.of("vendor", "uplot.sha256"));
        assertThat(lines).extracting(l -> l.substring(66))
                .containsExactly("uPlot.iife.min.js", "uPlot.min.css", "uPlot.LICENSE", "VERSION");
        for (String line : lines) {
            String name = line.substring(66);
            try (InputStream in = PageWriter.class.getResourceAsStream("vendor/" + name)) {
                assertThat(in).as("resource vendor/%s", name).isNotNull();
                String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
                assertThat(sha256).as("SHA-256 of %s", name).isEqualTo(line.substring(0, 64));
            }
        }
        assertThat(PageWriter.uplotVersion()).startsWith("uplot 1.6.32 sha512-")
                .isEqualTo(Files.readString(Path.of("vendor", "uplot.integrity")).strip());
        assertThat(PageWriter.resource("vendor/uPlot.LICENSE")).startsWith("The MIT License (MIT)");
    }
}
