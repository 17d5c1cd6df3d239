package io.shardwise.producer.examples.kpl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shardwise.producer.KplProperties;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;

/**
 * {@link KplProperties} checked against the KPL 1.1.1's own {@link KinesisProducerConfiguration}: the
 * same keys, and nothing accepted that the KPL itself would refuse. Creating a KPL configuration
 * needs the protobuf runtime the KPL was generated for (4.29): the pom's {@code against-the-kpl}
 * surefire execution runs this class with it.
 */
class KplPropertiesAgainstTheKplTest {

    private static void assumeTheKplsProtobufRuntime() throws ReflectiveOperationException {
        Class<?> v = Class.forName("com.google.protobuf.RuntimeVersion");
        int major = v.getField("MAJOR").getInt(null);
        int minor = v.getField("MINOR").getInt(null);
        assumeTrue(major > 4 || (major == 4 && minor >= 29),
                "needs protobuf-java 4.29 or later, as in the pom's against-the-kpl execution; runtime is " + major + "." + minor);
    }

    /** The keys KinesisProducerConfiguration.fromProperties looks up: "set" + key, one parameter. */
    private static Set<String> kplKeys() {
        Set<String> keys = new TreeSet<>();
        for (Method m : KinesisProducerConfiguration.class.getMethods()) {
            if (m.getName().startsWith("set") && m.getParameterCount() == 1 && !Modifier.isStatic(m.getModifiers())) {
                keys.add(m.getName().substring(3));
            }
        }
        return keys;
    }

    private static boolean fromFile(Method setter) {
        Class<?> t = setter.getParameterTypes()[0];
        return t == long.class || t == int.class || t == boolean.class || t == String.class;
    }

    @Test
    void knowsExactlyTheKplsKeys() {
        assertThat(new TreeSet<>(KplProperties.knownKeys())).isEqualTo(kplKeys());
    }

    @Test
    void theKplsDefaultsOfEveryKeyItReadsFromAFileAreCovered() throws Exception {
        assumeTheKplsProtobufRuntime();
        KinesisProducerConfiguration defaults = new KinesisProducerConfiguration();
        Properties p = new Properties();
        for (Method setter : KinesisProducerConfiguration.class.getMethods()) {
            String key = setter.getName().substring(3);
            if (!setter.getName().startsWith("set") || setter.getParameterCount() != 1 || !fromFile(setter)
                    || key.equals("GlueSchemaRegistryPropertiesFilePath")) {   // the KPL reads that file at once
                continue;
            }
            Method getter = getter(key);
            p.setProperty(key, String.valueOf(getter.invoke(defaults)));
        }
        assertThat(p).hasSize(kplKeys().size() - 5);   // less the GSR path and the four set only in code
        assertThat(KplProperties.review(p)).allSatisfy(e ->
                assertThat(e.outcome()).as(e.toString()).isNotEqualTo(KplProperties.Outcome.REJECTED));
        KplProperties.parse(p);
    }

    private static Method getter(String key) throws NoSuchMethodException {
        for (String prefix : new String[] {"get", "is"}) {
            try {
                return KinesisProducerConfiguration.class.getMethod(prefix + key);
            } catch (NoSuchMethodException e) {
                // try the next
            }
        }
        throw new NoSuchMethodException("no getter for " + key);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "AggregationMaxSize,64", "AggregationMaxSize,1048576", "CollectionMaxSize,52224", "CollectionMaxSize,10485760",
        "CollectionMaxCount,1", "CollectionMaxCount,500", "MaxConnections,1", "MaxConnections,256",
        "RateLimit,10", "RateLimit,1000", "RecordMaxBufferedTime,0", "RecordMaxBufferedTime,60000",
        "RecordTtl,100", "RecordTtl,86400000", "RequestTimeout,100", "RequestTimeout,600000",
        "ConnectTimeout,100", "ConnectTimeout,300000", "MaxUserRecordSize,64", "MaxUserRecordSize,10485760",
        "UserRecordTimeoutInMillis,100", "MetricsUploadDelay,1", "MetricsUploadDelay,60000",
        "KinesisEndpoint,localhost", "Region,us-gov-west-1", "MetricsNamespace,orders", "LogLevel,trace",
        "ThreadingModel,POOLED", "RecordDistributionStrategyDefault,AUTO", "DaemonHealthCheckTimeoutMs,5000"
    })
    void whatShardwiseAcceptsTheKplAcceptsToo(String key, String value) throws ReflectiveOperationException {
        assumeTheKplsProtobufRuntime();
        Properties p = new Properties();
        p.setProperty(key, value);
        KplProperties.parse(p);
        assertThatCode(() -> KinesisProducerConfiguration.fromProperties(p)).doesNotThrowAnyException();
    }
}
