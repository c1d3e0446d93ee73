/**
 * JMH micro-benchmarks of the revoker's timing wheel beside the JDK's {@code DelayQueue} and Netty's
 * {@code HashedWheelTimer}, the JVM forked per structure and size that runs them on one fill, and the section that
 * forks it and puts their figures in the run's table.
 */
@NullMarked
package dev.lapse.bench.wheel;

import org.jspecify.annotations.NullMarked;
