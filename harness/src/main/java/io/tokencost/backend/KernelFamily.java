package io.tokencost.backend;

/**
 * A kernel family as a session sees it: the interface of its launchers and how they are built on a
 * session. Each family's descriptor (in {@code io.tokencost.kernels.<family>}) implements it, so a
 * session serves any family without knowing it: {@link Session#family}.
 *
 * @param <T> the family's launcher interface, e.g. {@code QGemvKernels}
 */
public interface KernelFamily<T> {

    /** The family's name: its .cu file's base name, e.g. {@code qgemv}. */
    String name();

    /** The launchers' interface. */
    Class<T> launchers();

    /** The family's launchers on {@code session}'s device; sessions call it once and keep the result. */
    T on(Session session);
}
