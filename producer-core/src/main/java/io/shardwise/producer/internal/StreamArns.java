package io.shardwise.producer.internal;

/**
 * Streams named by ARN ({@code arn:<partition>:kinesis:<region>:<account-id>:stream/<name>}) rather
 * than by name. A stream name cannot contain {@code ':'}, so a stream given as a string starting with
 * {@code arn:} is an ARN; every Kinesis call for it sends {@code StreamARN}, which also reaches a
 * stream of another account through its resource policy.
 */
final class StreamArns {
    private static final String PREFIX = "arn:";

    private StreamArns() {
    }

    /** @return whether the stream is given by its ARN */
    static boolean isArn(String stream) {
        return stream.startsWith(PREFIX);
    }

    /**
     * @return the problem with an ARN-looking stream, or {@code null} if it is a well-formed Kinesis stream ARN
     */
    static String problem(String arn) {
        String[] parts = arn.split(":", 6);
        if (parts.length != 6) {
            return "has " + parts.length + " of the 6 ':'-separated parts";
        }
        if (parts[1].isEmpty()) {
            return "has no partition (e.g. aws)";
        }
        if (!"kinesis".equals(parts[2])) {
            return "is not a Kinesis ARN (service '" + parts[2] + "')";
        }
        if (parts[3].isEmpty()) {
            return "has no region";
        }
        if (!parts[4].matches("[0-9]{12}")) {
            return "has no 12-digit account id";
        }
        if (!parts[5].startsWith("stream/") || !parts[5].substring("stream/".length()).matches("[a-zA-Z0-9_.-]{1,128}")) {
            return "does not end in stream/<name> with a valid stream name (1..128 of a-z A-Z 0-9 _ . -)";
        }
        return null;
    }

    /**
     * Names the stream in a request: as {@code StreamARN} when given by ARN, else as {@code StreamName}.
     *
     * @param stream the stream as the application gave it
     * @param byArn the request builder's {@code streamARN} setter
     * @param byName the request builder's {@code streamName} setter
     */
    static void target(String stream, java.util.function.Consumer<String> byArn, java.util.function.Consumer<String> byName) {
        (isArn(stream) ? byArn : byName).accept(stream);
    }

    /** @return the stream's name: the part after {@code stream/} of an ARN, or the stream itself */
    static String name(String stream) {
        if (!isArn(stream)) {
            return stream;
        }
        int i = stream.lastIndexOf(":stream/");
        return i < 0 ? stream : stream.substring(i + ":stream/".length());
    }
}
