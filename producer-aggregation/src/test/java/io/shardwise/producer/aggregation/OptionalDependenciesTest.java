package io.shardwise.producer.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The AWS SDK and the Lambda events library are optional: aggregating and deaggregating plain
 * bytes must work with neither on the class path.
 */
class OptionalDependenciesTest {

  @Test
  void aggregatorAndByteDeaggregatorNeedOnlyProtobuf() throws Throwable {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      boolean optional = entry.contains("awssdk") || entry.contains("aws-lambda-java-events");
      boolean testClasses = entry.endsWith("test-classes");
      if (!optional && !testClasses) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), platform)) {
      assertThat(loaderCanSee(loader, "software.amazon.awssdk.services.kinesis.model.Record"))
          .isFalse();
      assertThat(loaderCanSee(loader, "com.amazonaws.services.lambda.runtime.events.KinesisEvent"))
          .isFalse();

      Class<?> aggClass = loader.loadClass(RecordAggregator.class.getName());
      Object agg = aggClass.getConstructor(int.class, int.class).newInstance(1000, 10);
      Method tryAdd = aggClass.getMethod("tryAdd", String.class, String.class, byte[].class);
      assertThat(tryAdd.invoke(agg, "k", null, new byte[] {1, 2})).isEqualTo(true);
      byte[] bytes = (byte[]) aggClass.getMethod("toBytes").invoke(agg);

      // Method handles, not Class#getMethod: core reflection resolves the parameter types of every
      // public method, and Deaggregator's SDK overloads name software.amazon.awssdk types.
      Class<?> deaggClass = loader.loadClass(Deaggregator.class.getName());
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      Object deagg = lookup.findStatic(deaggClass, "create", MethodType.methodType(deaggClass))
          .invoke();
      List<?> out = (List<?>) lookup.findVirtual(deaggClass, "deaggregate",
              MethodType.methodType(List.class, byte[].class, String.class, String.class))
          .invoke(deagg, bytes, "a", (String) null);
      assertThat(out).hasSize(1);
      assertThat(out.get(0).getClass().getClassLoader()).isSameAs(loader);
    }
  }

  private static boolean loaderCanSee(ClassLoader loader, String name) {
    try {
      Class.forName(name, false, loader);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
