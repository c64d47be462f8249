package io.dmremediation.sandbox.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The machine the numbers came from: cores, CPU model, memory, JDK, OS, heap limit, date. */
record Machine(int cores, String cpu, String memory, String jdk, String os, String maxHeap, String date) {

    static Machine current() {
        Runtime rt = Runtime.getRuntime();
        String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch"));
        String mem = firstValue(Path.of("/proc/meminfo"), "MemTotal")
                .map(v -> {
                    String[] parts = v.trim().split("\\s+");
                    try {
                        return String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(parts[0]) / 1024.0 / 1024.0);
                    } catch (NumberFormatException e) {
                        return v.trim();
                    }
                }).orElse("unknown");
        String os = firstValue(Path.of("/etc/os-release"), "PRETTY_NAME").map(v -> v.replace("\"", ""))
                .orElse(System.getProperty("os.name")) + " (" + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + ", " + System.getProperty("os.arch") + ")";
        String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        String gc = ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).findFirst().orElse("");
        String heap = String.format(Locale.ROOT, "%d MiB (%s)", rt.maxMemory() >> 20, gc);
        return new Machine(rt.availableProcessors(), cpu, mem, jdk, os, heap, LocalDate.now().toString());
    }

    List<String> lines() {
        return List.of(
                "cores (JVM availableProcessors): " + cores,
                "CPU: " + cpu,
                "memory: " + memory,
                "JDK: " + jdk,
                "OS: " + os,
                "max heap: " + maxHeap,
                "date: " + date);
    }

    private static Optional<String> firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                int sep = line.indexOf(line.contains(":") && !line.contains("=") ? ':' : '=');
                if (sep > 0 && line.substring(0, sep).trim().equals(key)) {
                    return Optional.of(line.substring(sep + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable
        }
        return Optional.empty();
    }
}
