package io.echotag.reports;

import io.echotag.testing.TestGateway;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("the report gate lets max_concurrent runs stream at once and starts the next when one ends")
class ReportGateTest {
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  @DisplayName("with one permit a second run waits until the first completes, failed or not, then runs")
  void oneAtATime() {
    ReportGate gate = ReportGate.of(vertx, 1);
    assertThat(ReportGate.of(vertx, 5)).isSameAs(gate);
    Context context = vertx.getOrCreateContext();
    Promise<String> first = Promise.promise();
    AtomicBoolean secondStarted = new AtomicBoolean();
    AtomicReference<String> secondResult = new AtomicReference<>();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();

    gate.run(context, () -> first.future()).onFailure(firstFailure::set);
    gate.run(context, () -> {
      secondStarted.set(true);
      return Future.succeededFuture("second");
    }).onSuccess(secondResult::set);

    TestGateway.await("the second run queued", 5_000, () -> gate.waiting() == 1);
    assertThat(secondStarted).isFalse();
    context.runOnContext(v -> first.fail(new IllegalStateException("boom")));
    TestGateway.await("the second run done", 5_000, () -> "second".equals(secondResult.get()));
    assertThat(firstFailure.get()).hasMessage("boom");
    assertThat(gate.waiting()).isZero();

    AtomicReference<String> third = new AtomicReference<>();
    gate.run(context, () -> Future.succeededFuture("third")).onSuccess(third::set);
    TestGateway.await("the permit was released", 5_000, () -> "third".equals(third.get()));
  }
}
