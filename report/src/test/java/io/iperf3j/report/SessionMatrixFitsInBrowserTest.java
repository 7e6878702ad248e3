package io.iperf3j.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.testing.Chromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A session's report of 2 to 8 hosts (a --bidir mesh, {@link FleetSession}) fits its throughput matrix in the window at
 * 1280 and 1920 px, in real headless Chromium (issue 57, item 4: at 8 hosts the matrix ran off the page's right, its cells
 * each a line of "test ID: RATE · CAUSE" that did not wrap): no table sticks out of the page's column, the page has no
 * horizontal scroll, and every cell keeps its entries.
 */
@Tag("browser")
@Timeout(300)
class SessionMatrixFitsInBrowserTest {
    private static final Path OUT = Path.of("target/report-browser/matrix-fits");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @BeforeAll
    static void browser() throws Exception {
        Chromium.require();
        Files.createDirectories(OUT);
    }

    @ParameterizedTest(name = "{0} hosts at {1} px")
    @CsvSource({"2, 1280", "4, 1280", "6, 1280", "8, 1280", "2, 1920", "5, 1920", "8, 1920"})
    void theMatrixFitsTheWindow(int hosts, int width) throws Exception {
        FleetSession.Written fleet = FleetSession.write(OUT.resolve("mesh" + hosts), hosts, Set.of(), Set.of(), hosts);
        Path html = OUT.resolve("mesh" + hosts + ".html");
        HtmlReport.builder().add(fleet.dir()).build().write(html);
        String page = Files.readString(html);
        String driver = """
                <script>
                (function () {
                  function wait() {
                    if (!document.documentElement.getAttribute('data-status')) { setTimeout(wait, 10); return; }
                    var main = document.querySelector('main').getBoundingClientRect();
                    var out = { inner: window.innerWidth, scroll: document.documentElement.scrollWidth, mainRight: main.right, tables: [] };
                    Array.prototype.forEach.call(document.querySelectorAll('table.matrix'), function (t) {
                      var r = t.getBoundingClientRect();
                      out.tables.push({ right: r.right, width: r.width, cells: t.querySelectorAll('td').length,
                        entries: t.querySelectorAll('td a, td span').length });
                    });
                    document.documentElement.setAttribute('data-driver', JSON.stringify(out));
                  }
                  wait();
                })();
                </script>
                """;
        int at = page.lastIndexOf("</body>");
        Path driven = OUT.resolve("mesh" + hosts + "-" + width + "-driven.html");
        Files.writeString(driven, page.substring(0, at) + driver + page.substring(at));
        Chromium.Page p = Chromium.openWithScreenshot(driven, Path.of("target/report-screenshots/matrix-" + hosts + "-" + width + ".png"),
                "--window-size=" + width + ",1000", "--hide-scrollbars");
        ReportInBrowserTest.assertClean(p);
        JsonNode d = MAPPER.readTree(p.htmlAttributes().get("data-driver"));
        assertThat(d.path("inner").asInt()).isEqualTo(width);
        assertThat(d.path("tables").size()).as("a matrix").isPositive();
        for (JsonNode t : d.path("tables")) {
            assertThat(t.path("right").asDouble()).as("the matrix's right edge within the page's column: %s", d)
                    .isLessThanOrEqualTo(d.path("mainRight").asDouble() + 0.5);
            // every ordered pair a cell with its entry (hosts × hosts cells, the diagonal empty)
            assertThat(t.path("cells").asInt()).isEqualTo(hosts * hosts);
            assertThat(t.path("entries").asInt()).isEqualTo(hosts * (hosts - 1));
        }
        assertThat(d.path("scroll").asInt()).as("no horizontal scroll: %s", d).isLessThanOrEqualTo(width);
    }
}
