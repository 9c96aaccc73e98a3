package dht.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dht.cluster.PercentEncoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Query strings as a client may send them: every one is either read or refused with a
 * {@link BadRequest}, never another exception; an id that is read survives encoding and
 * decoding again. {@code mvn verify} replays the inputs under
 * {@code src/test/resources/dht/http/QueryParamsFuzzTestInputs}; {@code mvn -Pfuzz test} fuzzes.
 */
class QueryParamsFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void queryStrings_areReadOrRefused(FuzzedDataProvider data) {
        String uri = "/v0/entity?" + data.consumeRemainingAsString();
        try {
            byte[] id = QueryParams.id(uri);
            assertArrayEquals(id, QueryParams.id("/v0/entity?id=" + PercentEncoding.encode(id)));
        } catch (BadRequest refused) {
            // a client's mistake, answered with its status
        }
        try {
            QueryParams.requireKnown(uri, "GET /v0/entity", new String[] {"id", "ack", "from"});
            QueryParams.integer(uri, "ack");
            QueryParams.bool(uri, "local", false);
            QueryParams.bytes(uri, "start");
        } catch (BadRequest refused) {
            // likewise
        }
    }
}
