/**
 * JMH micro-benchmarks of the revoker's timing wheel beside the JDK's {@code DelayQueue} and Netty's
 * {@code HashedWheelTimer}, and the section that runs them and puts their figures in the run's table.
 */
@NullMarked
package dev.lapse.bench.wheel;

import org.jspecify.annotations.NullMarked;
