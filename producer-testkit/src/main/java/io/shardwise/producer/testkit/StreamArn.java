package io.shardwise.producer.testkit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kinesis stream ARN, {@code arn:<partition>:kinesis:<region>:<account-id>:stream/<name>}, taken
 * apart. What parses is what the service's model accepts as a {@code StreamARN}: 1 to 2,048
 * characters matching {@code arn:aws.*:kinesis:.*:\d{12}:stream/\S+}.
 *
 * @param partition e.g. {@code aws}
 * @param region e.g. {@code us-east-1} (may be empty, as the pattern allows)
 * @param account the 12-digit account id
 * @param name the stream name: everything after {@code stream/}
 */
record StreamArn(String partition, String region, String account, String name) {
    /** The {@code StreamARN} pattern of the service's model (and of the SDK's). */
    static final String PATTERN_TEXT = "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+";
    static final int MAX_LENGTH = 2048;
    private static final Pattern PATTERN = Pattern.compile("arn:(aws.*):kinesis:(.*):(\\d{12}):stream/(\\S+)");

    /**
     * @param arn a StreamARN as a request gave it
     * @return its parts
     * @throws ApiException {@code ValidationException} in the service's wording when it is not a stream ARN
     */
    static StreamArn parse(String arn) {
        if (arn.isEmpty() || arn.length() > MAX_LENGTH) {
            throw ApiException.badRequest("ValidationException", "1 validation error detected: Value '" + arn
                    + "' at 'streamARN' failed to satisfy constraint: Member must have length "
                    + (arn.isEmpty() ? "greater than or equal to 1" : "less than or equal to " + MAX_LENGTH));
        }
        Matcher m = PATTERN.matcher(arn);
        if (!m.matches()) {
            throw ApiException.badRequest("ValidationException", "1 validation error detected: Value '" + arn
                    + "' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                    + PATTERN_TEXT);
        }
        return new StreamArn(m.group(1), m.group(2), m.group(3), m.group(4));
    }

    /** @return the ARN of stream {@code name} in the partition, region and account given */
    static String of(String partition, String region, String account, String name) {
        return "arn:" + partition + ":kinesis:" + region + ":" + account + ":stream/" + name;
    }
}
