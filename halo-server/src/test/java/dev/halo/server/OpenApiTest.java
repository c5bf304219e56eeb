package dev.halo.server;

import static dev.halo.server.TestServer.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.halo.server.api.Api;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document is served, documents exactly the routes the server has, and Swagger UI loads it. */
class OpenApiTest {
    @TempDir Path dir;

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
        try (TestServer t = new TestServer(ServerConfig.local(dir, TOKEN))) {
            TestServer.Reply r = t.get("/api/openapi.json");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.contentType()).startsWith("application/json");
            JsonNode doc = r.json();
            assertThat(doc.get("openapi").asText()).startsWith("3.");
            List<String> documented = new ArrayList<>();
            doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                    .forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));
            assertThat(t.server.routes()).hasSizeGreaterThan(10);
            assertThat(documented).containsExactlyInAnyOrderElementsOf(t.server.routes().keySet());

            // each route declares the token it needs: the server's ("token"), an agent's own ("agentToken"), or none
            assertThat(doc.get("components").get("securitySchemes").fieldNames()).toIterable().containsExactlyInAnyOrder("token", "agentToken");
            doc.get("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> {
                String route = op.getKey().toUpperCase(Locale.ROOT) + " " + p.getKey();
                JsonNode security = op.getValue().get("security");
                // the schemes of the alternatives, "none" for the empty one (OpenAPI's "no token needed")
                List<String> schemes = new ArrayList<>();
                if (security != null) security.forEach(alt -> schemes.add(alt.isEmpty() ? "none" : alt.fieldNames().next()));
                List<String> expected = switch (t.server.routes().get(route)) {
                    case PUBLIC -> List.of();
                    case ADMIN -> List.of("token");
                    case AGENT -> List.of("agentToken");
                    case PUBLIC_BUT_MODELS_ADMIN -> List.of("none", "token");
                };
                assertThat(schemes).as(route).isEqualTo(expected);
            }));
            assertThat(t.server.routes()).containsEntry("POST /api/agents/{id}/lease", Api.Access.AGENT).containsEntry("POST /api/farm/measure", Api.Access.ADMIN)
                    .containsEntry("POST /api/predict", Api.Access.PUBLIC_BUT_MODELS_ADMIN).containsEntry("POST /api/models/describe", Api.Access.ADMIN)
                    .containsEntry("DELETE /api/jobs/{id}", Api.Access.ADMIN).containsEntry("GET /api/tasks/{id}/model", Api.Access.AGENT)
                    .containsEntry("PUT /api/farm/models/{sha256}", Api.Access.ADMIN);
        }
    }

    @Test
    void swaggerUiIsServedFromItsWebjar() {
        try (TestServer t = new TestServer(ServerConfig.local(dir, TOKEN))) {
            TestServer.Reply page = t.get("/api/docs");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("/api/openapi.json").contains("/webjars/swagger-ui/5.35.0/swagger-ui-bundle.js");
            TestServer.Reply bundle = t.get("/webjars/swagger-ui/5.35.0/swagger-ui-bundle.js");
            assertThat(bundle.status()).isEqualTo(200);
            assertThat(bundle.body().length()).isGreaterThan(100_000);
            assertThat(t.get("/webjars/echarts/5.3.1/dist/echarts.min.js").status()).isEqualTo(200);
        }
    }
}
