package dev.mfa.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NewestEntriesTest {

    @Test
    void whenFullTheEntryPutLongestAgoMakesRoom() {
        NewestEntries<String, Integer> cache = new NewestEntries<>(2);
        cache.put("a", 1);
        cache.put("b", 2);
        cache.get("a", v -> true, v -> true); // a read does not make an entry newer
        cache.put("c", 3);

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("a", v -> true, v -> true)).isNull();
        assertThat(cache.get("b", v -> true, v -> true)).isEqualTo(2);
        assertThat(cache.get("c", v -> true, v -> true)).isEqualTo(3);
    }

    @Test
    void anEntryNoLongerLiveIsRemovedAndOneNotUsableIsKept() {
        NewestEntries<String, Integer> cache = new NewestEntries<>(4);
        cache.put("dead", 1);
        cache.put("other's", 2);

        assertThat(cache.get("dead", v -> false, v -> true)).isNull();
        assertThat(cache.get("other's", v -> true, v -> false)).isNull();

        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.get("other's", v -> true, v -> true)).isEqualTo(2);
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(2);
    }

    @Test
    void withoutRoomNothingIsKept() {
        NewestEntries<String, Integer> cache = new NewestEntries<>(0);
        cache.put("a", 1);

        assertThat(cache.enabled()).isFalse();
        assertThat(cache.size()).isZero();
        assertThat(cache.get("a", v -> true, v -> true)).isNull();
    }
}
