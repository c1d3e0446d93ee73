package dev.lapse.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A caching client of the Confluent Schema Registry REST API (Confluent, Apicurio's ccompat API, Karapace,
 * Redpanda). Ids are immutable, so schema-to-id and id-to-schema answers are cached for the client's life.
 * Thread-safe.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /**
     * Short on purpose: an unreachable registry must turn into a wait-and-retry (or a quick 503 on REST) within
     * seconds, and schema answers are cached, so only the first use of each schema pays a round trip. A call that
     * times out on a slow registry is retried like any outage, never taken for a broken record.
     */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final List<String> baseUrls;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public HttpSchemaRegistry(List<String> baseUrls) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("at least one registry URL is required");
        }
        this.baseUrls = List.copyOf(baseUrls);
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    @Override
    public int register(String subject, Schema schema) {
        return idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(schema, s -> {
                    JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions?normalize=false",
                            schemaBody(schema));
                    return remember(answer.path("id").asInt(), schema);
                });
    }

    @Override
    public int idOf(String subject, Schema schema) {
        return idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(schema, s -> {
                    JsonNode answer = send("POST", "/subjects/" + encode(subject) + "?normalize=false&deleted=false",
                            schemaBody(schema));
                    return remember(answer.path("id").asInt(), schema);
                });
    }

    @Override
    public RegisteredSchema latest(String subject) {
        // Not cached: "latest" changes as schemas evolve, and use.latest.version is a start-up-time choice.
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        Schema schema = parse(answer.path("schema").asText(), "subject " + subject);
        int id = remember(answer.path("id").asInt(), schema);
        return new RegisteredSchema(id, answer.path("version").asInt(), schema);
    }

    @Override
    public Schema byId(int id) {
        return schemasById.computeIfAbsent(id, key -> {
            JsonNode answer = send("GET", "/schemas/ids/" + id + "?fetchMaxId=false", null);
            String type = answer.path("schemaType").asText("AVRO");
            if (!type.equals("AVRO")) {
                throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                        "schema " + id + " is of type " + type + ", not AVRO");
            }
            return parse(answer.path("schema").asText(), "schema id " + id);
        });
    }

    private int remember(int id, Schema schema) {
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    private String schemaBody(Schema schema) {
        ObjectNode body = json.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "registry returned an unparseable Avro schema for " + what + ": " + e.getMessage());
        }
    }

    private JsonNode send(String method, String path, String body) {
        RegistryUnavailableException lastUnreachable = null;
        for (String baseUrl : baseUrls) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(TIMEOUT)
                    .header("Content-Type", CONTENT_TYPE)
                    .header("Accept", CONTENT_TYPE + ", application/json")
                    .method(method, body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // Only an unreachable registry moves on to the next URL; an answer, even an error, is final.
                lastUnreachable = new RegistryUnavailableException(
                        "schema registry at " + baseUrl + " is unreachable: " + e, e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("interrupted while calling the schema registry", e);
            }
            return answer(method, baseUrl + path, response);
        }
        throw lastUnreachable;
    }

    private JsonNode answer(String method, String url, HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode node;
        try {
            node = response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
        } catch (IOException e) {
            node = json.createObjectNode();
        }
        if (status >= 200 && status < 300) {
            return node;
        }
        if (status >= 500) {
            // A server error says nothing about the schema: the registry (or its storage) is down, so wait.
            throw new RegistryUnavailableException(method + " " + url + " failed with HTTP " + status + ": "
                    + (response.body().isBlank() ? "no message" : response.body().lines().findFirst().orElse("")));
        }
        int errorCode = node.path("error_code").asInt(status);
        String message = node.path("message").asText(response.body().isBlank() ? "no message" : response.body());
        throw new SchemaRegistryException(status, errorCode,
                method + " " + url + " failed with HTTP " + status + " (error_code " + errorCode + "): " + message);
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
