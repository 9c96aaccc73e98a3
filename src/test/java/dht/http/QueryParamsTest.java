package dht.http;

import dht.storage.Keys;
import one.nio.http.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class QueryParamsTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void id_plainAndEscaped_decodes() throws BadRequest {
        assertArrayEquals(utf8("k1"), QueryParams.id("/v0/entity?id=k1"));
        assertArrayEquals(utf8("a/b"), QueryParams.id("/v0/entity?id=a%2Fb"));
        assertArrayEquals(utf8("k&x"), QueryParams.id("/v0/entity?id=k%26x"));
    }

    @Test
    void id_amongOtherParameters_isFound() throws BadRequest {
        assertArrayEquals(utf8("k"), QueryParams.id("/v0/entity?ack=1&id=k&from=2"));
        assertArrayEquals(utf8("k"), QueryParams.id("/v0/entity?idx=7&id=k"));
    }

    @Test
    void id_ampersandInsideTheValueUnescaped_endsTheValue() throws BadRequest {
        assertArrayEquals(utf8("k"), QueryParams.id("/v0/entity?id=k&x"));
    }

    @Test
    void id_missingEmptyOrBare_isBadRequest() {
        for (String uri : new String[] {"/v0/entity", "/v0/entity?", "/v0/entity?id=", "/v0/entity?x=1", "/v0/entity?id"}) {
            BadRequest e = assertThrows(BadRequest.class, () -> QueryParams.id(uri), uri);
            assertEquals(Response.BAD_REQUEST, e.status());
        }
    }

    @Test
    void requireKnown_letsKnownNamesAndEmptySegmentsThrough() throws BadRequest {
        String[] known = {"id", "ack", "from"};
        for (String uri : new String[] {"/e", "/e?", "/e?id=k", "/e?id=k&ack=1&from=2", "/e?id=k&&ack=1&", "/e?ack"}) {
            QueryParams.requireKnown(uri, "GET /e", known);
        }
    }

    @Test
    void requireKnown_unknownOrMisspeltName_isBadRequestNamingIt() {
        String[] known = {"id", "ack", "from"};
        for (String uri : new String[] {"/e?id=k&form=3", "/e?id=k&from3", "/e?ids=k", "/e?i=k", "/e?id=k&x", "/e?=1"}) {
            BadRequest e = assertThrows(BadRequest.class, () -> QueryParams.requireKnown(uri, "GET /e", known), uri);
            assertEquals(Response.BAD_REQUEST, e.status());
        }
        BadRequest e = assertThrows(BadRequest.class, () -> QueryParams.requireKnown("/e?id=k&form=3", "GET /e", known));
        assertEquals("unknown parameter 'form' on GET /e (it takes id, ack, from)", e.getMessage());
        String longName = "x".repeat(5000);
        e = assertThrows(BadRequest.class, () -> QueryParams.requireKnown("/e?" + longName + "=1", "GET /e", known));
        assertEquals("unknown parameter '" + "x".repeat(40) + "' on GET /e (it takes id, ack, from)", e.getMessage());
    }

    @Test
    void id_repeated_isBadRequest() {
        BadRequest e = assertThrows(BadRequest.class, () -> QueryParams.id("/v0/entity?id=a&id=b"));
        assertEquals(Response.BAD_REQUEST, e.status());
    }

    @Test
    void id_badEscapeOrNotUtf8_isBadRequest() {
        assertEquals(Response.BAD_REQUEST, assertThrows(BadRequest.class, () -> QueryParams.id("/e?id=%G1")).status());
        assertEquals(Response.BAD_REQUEST, assertThrows(BadRequest.class, () -> QueryParams.id("/e?id=%C3%28")).status());
    }

    @Test
    void id_longerThanOneKibibyte_isUriTooLong() throws BadRequest {
        String max = "x".repeat(Keys.MAX_BYTES);
        assertEquals(Keys.MAX_BYTES, QueryParams.id("/e?id=" + max).length);
        BadRequest e = assertThrows(BadRequest.class, () -> QueryParams.id("/e?id=" + max + "x"));
        assertEquals(Response.REQUEST_URI_TOO_LONG, e.status());
    }

    @Test
    void bytes_absentParameter_isNull() throws BadRequest {
        assertNull(QueryParams.bytes("/v0/entity?id=1", "from"));
    }
}
