package dht.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PercentEncodingTest {
    private static byte[] decode(String text) {
        return PercentEncoding.decode(text, 0, text.length());
    }

    @Test
    void decode_escapes_becomeTheirBytes() {
        assertArrayEquals("a/b".getBytes(StandardCharsets.UTF_8), decode("a%2Fb"));
        assertArrayEquals("k&x".getBytes(StandardCharsets.UTF_8), decode("k%26x"));
        assertArrayEquals("ключ".getBytes(StandardCharsets.UTF_8), decode("%D0%BA%D0%BB%D1%8E%D1%87"));
    }

    @Test
    void decode_plus_staysAPlus() {
        assertArrayEquals("a+b".getBytes(StandardCharsets.UTF_8), decode("a+b"));
    }

    @Test
    void decode_unescapedNonAscii_becomesUtf8() {
        assertArrayEquals("ключ😀".getBytes(StandardCharsets.UTF_8), decode("ключ😀"));
    }

    @Test
    void decode_malformedEscapes_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> decode("abc%"));
        assertThrows(IllegalArgumentException.class, () -> decode("abc%4"));
        assertThrows(IllegalArgumentException.class, () -> decode("%zz"));
    }

    @Test
    void decode_escapedBytesThatAreNotUtf8_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> decode("%FF%FE"));
        assertThrows(IllegalArgumentException.class, () -> decode("%D0"));
    }

    @Test
    void encode_thenDecode_roundTripsReservedAndNonAsciiCharacters() {
        String all = "aZ09-._~ /&?=%+#ключ";
        byte[] bytes = all.getBytes(StandardCharsets.UTF_8);
        String encoded = PercentEncoding.encode(bytes);
        assertEquals(-1, encoded.indexOf('&'));
        assertEquals(-1, encoded.indexOf('/'));
        assertArrayEquals(bytes, decode(encoded));
    }
}
