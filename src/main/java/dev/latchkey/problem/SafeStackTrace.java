package dev.latchkey.problem;

/**
 * Renders a throwable's class names and stack frames without any of its messages, for logging
 * errors whose messages may carry request input.
 */
public final class SafeStackTrace {

    private static final int MAX_FRAMES_PER_CAUSE = 12;
    private static final int MAX_CAUSES = 5;

    private SafeStackTrace() {
    }

    public static String of(Throwable throwable) {
        StringBuilder out = new StringBuilder();
        Throwable current = throwable;
        for (int depth = 0; current != null && depth < MAX_CAUSES; depth++, current = current.getCause()) {
            out.append(depth == 0 ? "" : "Caused by: ").append(current.getClass().getName()).append('\n');
            StackTraceElement[] frames = current.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, MAX_FRAMES_PER_CAUSE); i++) {
                out.append("\tat ").append(frames[i]).append('\n');
            }
            if (frames.length > MAX_FRAMES_PER_CAUSE) {
                out.append("\t... ").append(frames.length - MAX_FRAMES_PER_CAUSE).append(" more\n");
            }
        }
        return out.toString();
    }
}
