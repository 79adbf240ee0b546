package dev.slipway.testkit;

/** Closes a fixture when the JVM exits, so a test run that forgets (or crashes) leaves no server behind. */
final class ShutdownGuard {

    private final Thread hook;

    private ShutdownGuard(Thread hook) {
        this.hook = hook;
    }

    static ShutdownGuard closeOnExit(String name, AutoCloseable fixture) {
        Thread hook = new Thread(() -> {
            try {
                fixture.close();
            } catch (Exception e) {
                System.err.println("testkit: closing " + name + " at exit failed: " + e);
            }
        }, "testkit-close-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
        return new ShutdownGuard(hook);
    }

    /** Called from the fixture's own close(); harmless when the JVM is already exiting. */
    void release() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the hook is running this very close(); nothing to unregister
        }
    }
}
