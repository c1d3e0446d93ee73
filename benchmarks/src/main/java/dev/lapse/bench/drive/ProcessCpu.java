package dev.lapse.bench.drive;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/** The CPU time this JVM's threads have used, all of them: broker, services, load and watchers alike. */
public final class ProcessCpu {

    private ProcessCpu() {
    }

    /** Nanoseconds of CPU used since the JVM started, or -1 where the platform does not say. */
    public static long nanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }
}
