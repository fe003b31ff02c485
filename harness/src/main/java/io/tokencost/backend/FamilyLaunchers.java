package io.tokencost.backend;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A session's launchers per kernel family, each built on first use and kept while the session is open. */
public final class FamilyLaunchers {

    private final Session session;
    private final Map<KernelFamily<?>, Object> launchers = new ConcurrentHashMap<>();

    public FamilyLaunchers(Session session) {
        this.session = session;
    }

    public <T> T get(KernelFamily<T> family) {
        return family.launchers().cast(launchers.computeIfAbsent(family, f -> family.on(session)));
    }
}
