package dev.halo.server;

import static dev.halo.server.TestServer.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser: Debian's headless chromium driven by Selenium through chromium-driver. Each page is
 * clicked through and what it drew is read back from the ECharts instance. Without chromium the tests are skipped
 * with a loud reason (CI installs it, and there its absence fails them).
 */
class BrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir static Path dir;
    static TestServer s;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            String reason = "SKIPPED: browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + DRIVER
                    + "); install them with: apt-get install -y chromium chromium-driver";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError("CI has no browser: " + reason);
            System.err.println("[halo-test] " + reason);
            Assumptions.abort(reason);
        }
        s = new TestServer(ServerConfig.local(dir.resolve("data"), TOKEN));
        ApiTest.profiled(s, "gpu");
        // a device with a kernel latency model, which predicts uploaded ONNX models on the model page
        TestServer.Reply stored = s.put("/api/devices/cpu-kernels/kernel-model", "application/json", TestKernelModels.json("test cpu"), TOKEN);
        assertThat(stored.status()).as(stored.body()).isEqualTo(201);
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--no-first-run", "--window-size=1280,1000", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER.toString())).build();
        browser = new ChromeDriver(service, o);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (s != null) s.close();
    }

    static WebDriverWait waiting(double seconds) {
        return new WebDriverWait(browser, Duration.ofMillis((long) (seconds * 1000)), Duration.ofMillis(100));
    }

    static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    @Test
    void theDevicesPageListsTheDeviceWithItsProfileAndLeadsToItsPredictedVsMeasuredPlot() {
        browser.get(s.url() + "/index.html");
        WebElement row = waiting(20).until(d -> d.findElements(By.cssSelector("tr[data-device='gpu']")).stream().findFirst().orElse(null));
        assertThat(row.findElement(By.className("c-profile")).getText()).isEqualTo("op-costs · nasbench201");
        assertThat(row.findElement(By.className("c-fingerprint")).getText()).contains("none (uploaded measurements)");
        assertThat(row.findElement(By.className("c-kind")).getText()).contains("leave-one-out").contains("40 archs");
        assertThat(Double.parseDouble(row.findElement(By.className("c-spearman")).getText())).isBetween(0.5, 1.0);
        assertThat(browser.findElement(By.id("status")).getText()).matches("\\d+ devices?");
        assertThat(row.findElement(By.className("c-kernel-model")).getText()).isEqualTo("–");
        assertThat(browser.findElement(By.cssSelector("tr[data-device='cpu-kernels'] .c-kernel-model")).getText()).contains("test cpu");

        row.findElement(By.linkText("gpu")).click();
        waiting(20).until(d -> js("return window.haloChart !== undefined"));
        assertThat(browser.findElement(By.id("title")).getText()).isEqualTo("gpu");
        @SuppressWarnings("unchecked")
        List<List<Object>> series = (List<List<Object>>) js("return haloChart.getOption().series.map(s => [s.name, s.data.length])");
        assertThat(series).contains(List.of("+10 %", 2L), List.of("-10 %", 2L), List.of("exact", 2L), List.of("architectures", 40L));
        // each plotted point is (measured, predicted) of an arch the API reports
        @SuppressWarnings("unchecked")
        List<Object> first = (List<Object>) js("return haloChart.getOption().series[3].data[0]");
        assertThat((String) first.get(2)).startsWith("|");
        assertThat(((Number) first.get(0)).doubleValue()).isPositive();
        assertThat(browser.findElement(By.id("summary")).getText()).matches("\\d+ of 40 predictions within ±10 % of the measurement.*");
    }

    @Test
    void theSearchPageDrawsTheFrontTheBudgetLineAndTheChosenPoint() {
        browser.get(s.url() + "/search.html");
        waiting(20).until(d -> new Select(d.findElement(By.id("device"))).getOptions().stream().anyMatch(o -> o.getAttribute("value").equals("gpu")));
        new Select(browser.findElement(By.id("device"))).selectByValue("gpu");
        double budget = s.postJson("/api/predict", Map.of("archs", List.of(
                "|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"), "devices", List.of("gpu")))
                .json().get("devices").get(0).get("predictions").get(0).get("ms").asDouble();
        WebElement b = browser.findElement(By.id("budget"));
        b.clear();
        b.sendKeys(String.valueOf(budget));
        new Select(browser.findElement(By.id("algorithm"))).selectByVisibleText("exhaustive");
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("start")).click();
        waiting(60).until(d -> js("return window.haloResult !== undefined") == Boolean.TRUE
                || d.findElement(By.id("status")).getAttribute("class").equals("error"));
        assertThat(browser.findElement(By.id("status")).getAttribute("class")).as(browser.findElement(By.id("status")).getText()).isEqualTo("muted");

        long front = (Long) js("return haloResult.front.length");
        assertThat(front).isGreaterThan(3);
        assertThat(js("return haloChart.getOption().series[0].name")).isEqualTo("Pareto front");
        assertThat(js("return haloChart.getOption().series[0].data.length")).isEqualTo(front);
        assertThat(((Number) js("return haloChart.getOption().series[0].markLine.data[0].xAxis")).doubleValue()).isEqualTo(budget);
        @SuppressWarnings("unchecked")
        List<Object> chosen = (List<Object>) js("return haloChart.getOption().series[1].data[0]");
        assertThat(((Number) chosen.get(0)).doubleValue()).isLessThanOrEqualTo(budget);
        assertThat(browser.findElement(By.id("chosen")).getText()).startsWith("chosen: " + chosen.get(2));
        assertThat(browser.findElement(By.id("status")).getText()).contains("15625 evaluations (exhaustive)");
    }

    @Test
    void theSearchPageShowsTheApiErrorForAWrongToken() {
        browser.get(s.url() + "/search.html");
        waiting(20).until(d -> new Select(d.findElement(By.id("device"))).getOptions().stream().anyMatch(o -> o.getAttribute("value").equals("gpu")));
        new Select(browser.findElement(By.id("device"))).selectByValue("gpu");
        browser.findElement(By.id("token")).sendKeys("not-the-token");
        browser.findElement(By.id("start")).click();
        waiting(20).until(d -> d.findElement(By.id("status")).getAttribute("class").equals("error"));
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("wrong token [Authorization]");
    }

    @Test
    void theOnboardPageShowsLiveProgressUntilTheDeviceIsOnboarded() {
        browser.get(s.url() + "/onboard.html");
        WebElement name = browser.findElement(By.id("name"));
        name.clear();
        name.sendKeys("this-box");
        WebElement samples = browser.findElement(By.id("samples"));
        samples.clear();
        samples.sendKeys("4");
        WebElement validate = browser.findElement(By.id("validate"));
        validate.clear();
        validate.sendKeys("3");
        new Select(browser.findElement(By.id("predictor"))).selectByVisibleText("op-costs");
        browser.findElement(By.id("quick")).click();
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("start")).click();
        waiting(120).until(d -> d.findElement(By.id("status")).getText().startsWith("done")
                || d.findElement(By.id("status")).getAttribute("class").equals("error"));
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("done: 34 measurements stored; see the device page");
        List<WebElement> phases = browser.findElements(By.cssSelector("#phases li"));
        assertThat(phases).extracting(WebElement::getText).anyMatch(t -> t.startsWith("[1/4] measuring 10 reference + 4 sample"))
                .anyMatch(t -> t.startsWith("[4/4] validating on 3 fresh archs"));
        WebElement bar = browser.findElement(By.id("progress"));
        assertThat(bar.getAttribute("value")).isEqualTo(bar.getAttribute("max"));
        assertThat(browser.findElement(By.id("count")).getText()).endsWith("6 / 6"); // the validation campaign: 3 archs x 2 rounds
    }

    @Test
    void theModelPageUploadsAModelAndDrawsItsTopKernelsByMacsOrByPredictedMsAndTheKernelTable() throws Exception {
        Path zoo = Files.createDirectories(dir.resolve("zoo"));
        Path model = dev.halo.app.zoo.Zoo.export(List.of(ModelApiTest.TINY), zoo, 1, 0).getFirst().file();
        browser.get(s.url() + "/models");
        assertThat(browser.getCurrentUrl()).endsWith("/models.html");
        // the device selector lists the devices with a kernel model (not gpu, which has only a profile)
        waiting(20).until(d -> "true".equals(d.findElement(By.id("device")).getAttribute("data-loaded")));
        Select device = new Select(browser.findElement(By.id("device")));
        assertThat(device.getOptions().stream().map(o -> o.getAttribute("value"))).containsExactly("", "cpu-kernels");
        device.selectByValue("");
        browser.findElement(By.id("file")).sendKeys(model.toAbsolutePath().toString());
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("describe")).click();
        waiting(60).until(d -> js("return window.haloResult !== undefined") == Boolean.TRUE
                || d.findElement(By.id("status")).getAttribute("class").equals("error"));
        assertThat(browser.findElement(By.id("status")).getAttribute("class")).as(browser.findElement(By.id("status")).getText()).isEqualTo("muted");

        // without a device the bars are the kernels with the most MACs, largest first, as the API described them
        @SuppressWarnings("unchecked")
        List<Number> bars = (List<Number>) js("return haloChart.getOption().series[0].data");
        long multiplying = (Long) js("return haloResult.kernels.nodes.filter(n => n.macs > 0).length");
        assertThat(multiplying).isGreaterThan(3);
        assertThat(bars).hasSize((int) Math.min(20, multiplying));
        assertThat(bars.getFirst().doubleValue()).isEqualTo(((Number) js("return Math.max(...haloResult.kernels.nodes.map(n => n.macs || 0)) / 1e6")).doubleValue());
        for (int i = 1; i < bars.size(); i++) assertThat(bars.get(i).doubleValue()).isLessThanOrEqualTo(bars.get(i - 1).doubleValue());
        assertThat(js("return haloChart.getOption().yAxis[0].data.length")).isEqualTo((long) bars.size());
        assertThat((String) js("return haloChart.getOption().title[0].text")).endsWith("kernels by MACs");

        // one table row per kernel ONNX Runtime executes, with its MACs; no predicted latency, and the page says why
        List<WebElement> rows = browser.findElements(By.cssSelector("#kernels tr[data-kernel]"));
        assertThat(rows).hasSize(((Number) js("return haloResult.kernels.nodes.length")).intValue());
        assertThat(rows.getFirst().findElements(By.tagName("td")).get(2).getText()).isNotEmpty();
        assertThat(rows.stream().map(r -> r.findElements(By.tagName("td")).get(8).getText())).containsOnly("–");
        assertThat(browser.findElement(By.id("latency")).getText()).contains("not predicted yet");
        assertThat(browser.findElement(By.id("status")).getText()).startsWith(model.getFileName() + ": ").contains("kernels after ONNX Runtime's optimisation");

        // with the device: the kernels its kernel model predicts slowest, and every costed kernel's predicted ms in the table
        js("window.haloResult = undefined");
        device.selectByValue("cpu-kernels");
        browser.findElement(By.id("describe")).click();
        waiting(60).until(d -> js("return window.haloResult !== undefined") == Boolean.TRUE
                || d.findElement(By.id("status")).getAttribute("class").equals("error"));
        assertThat(browser.findElement(By.id("status")).getAttribute("class")).as(browser.findElement(By.id("status")).getText()).isEqualTo("muted");
        assertThat(js("return haloResult.latency.device")).isEqualTo("cpu-kernels");
        @SuppressWarnings("unchecked")
        List<Number> msBars = (List<Number>) js("return haloChart.getOption().series[0].data");
        long predicted = (Long) js("return haloResult.latency.kernelMs.filter(x => x !== null).length");
        assertThat(predicted).isGreaterThan(3);
        assertThat(msBars).hasSize((int) Math.min(20, predicted));
        assertThat(msBars.getFirst().doubleValue()).isPositive()
                .isEqualTo(((Number) js("return Math.max(...haloResult.latency.kernelMs.filter(x => x !== null))")).doubleValue());
        for (int i = 1; i < msBars.size(); i++) assertThat(msBars.get(i).doubleValue()).isLessThanOrEqualTo(msBars.get(i - 1).doubleValue());
        assertThat((String) js("return haloChart.getOption().title[0].text")).endsWith("kernels by predicted ms on cpu-kernels");
        assertThat((String) js("return haloChart.getOption().xAxis[0].name")).isEqualTo("ms");
        List<WebElement> predictedRows = browser.findElements(By.cssSelector("#kernels tr[data-kernel]"));
        @SuppressWarnings("unchecked")
        List<Object> kernelMs = (List<Object>) js("return haloResult.latency.kernelMs");
        assertThat(predictedRows).hasSize(kernelMs.size());
        for (int i = 0; i < predictedRows.size(); i++) {
            String cell = predictedRows.get(i).findElements(By.tagName("td")).get(8).getText();
            if (kernelMs.get(i) == null) assertThat(cell).isEqualTo("–");
            else assertThat(Double.parseDouble(cell)).isCloseTo(((Number) kernelMs.get(i)).doubleValue(), org.assertj.core.data.Offset.offset(1e-4));
        }
        assertThat(browser.findElement(By.id("latency")).getText()).startsWith("predicted on cpu-kernels: ").contains("90 % interval")
                .contains("test cpu");
    }
}
