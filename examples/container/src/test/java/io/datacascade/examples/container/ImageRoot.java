package io.datacascade.examples.container;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command of an extracted image the way a container runtime would, with nothing of this
 * machine but the kernel: in new mount and PID namespaces (util-linux {@code unshare}), with
 * {@code /proc}, {@code /dev} and {@code /etc/hosts} mounted in as Docker does, with the image's
 * root directory, working directory and environment and, when we are root, its user. The
 * namespaces end with the command, so the mounts vanish with it and are never seen outside.
 */
final class ImageRoot {

    /** Exit code and combined stdout and stderr of a finished command. */
    record Result(int exitCode, String output) {
    }

    private static final String HOST_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

    // $1 root, $2 working directory, $3 uid, $4 gid ("" "" to stay root), then the command. The
    // host's shell and unshare only set up; the exec'd command and all it loads are the image's.
    private static final String SETUP = """
            root=$1 wd=$2 uid=$3 gid=$4; shift 4
            image_path=${PATH-}; PATH=%s
            mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" \\
              && mount --bind /etc/hosts "$root/etc/hosts" || exit 125
            unshare=$(command -v unshare)
            if [ -n "$image_path" ]; then PATH=$image_path; else unset PATH; fi
            exec "$unshare" --root="$root" --wd="$wd" ${uid:+--setuid "$uid" --setgid "$gid"} -- "$@"
            """.formatted(HOST_PATH);

    private final Path root;
    private final Map<String, String> environment;
    private final String workingDirectory;
    private final String uid;
    private final String gid;
    private final List<String> namespaces;

    /**
     * Prepares {@code root}, an extracted image with {@code config} (the image config's
     * {@code config} object), for {@link #run} and {@link #start}: adds the mount points Docker
     * adds. As root, commands run as the image's {@code User}; otherwise as root of a user
     * namespace (which needs unprivileged user namespaces).
     */
    ImageRoot(Path root, JsonNode config) throws IOException {
        this.root = root;
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
        Files.createDirectories(root.resolve("etc"));
        if (!Files.exists(root.resolve("etc/hosts"))) {
            Files.createFile(root.resolve("etc/hosts"));
        }
        this.environment = new LinkedHashMap<>();
        config.path("Env").forEach(variable -> {
            String[] nameValue = variable.asText().split("=", 2);
            environment.put(nameValue[0], nameValue.length > 1 ? nameValue[1] : "");
        });
        String wd = config.path("WorkingDir").asText("");
        this.workingDirectory = wd.isEmpty() ? "/" : wd;
        boolean weAreRoot = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        String[] user = config.path("User").asText("0").split(":", 2);
        this.uid = weAreRoot ? user[0] : "";
        this.gid = weAreRoot ? (user.length > 1 ? user[1] : user[0]) : "";
        this.namespaces = weAreRoot
                ? List.of("--mount", "--pid", "--fork", "--kill-child")
                : List.of("--map-root-user", "--mount", "--pid", "--fork", "--kill-child");
    }

    /** Whom commands run as, for messages: {@code 65532:65532}, or root of a user namespace. */
    String user() {
        return uid.isEmpty() ? "root of a user namespace" : uid + ":" + gid;
    }

    /** Runs {@code command} to its end, at most {@code timeoutSeconds}; kills it after that. */
    Result run(int timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("image-run", ".log");
        try {
            Process process = start(log, command);
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(command + " in the image did not end within " + timeoutSeconds
                        + " s; output:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * Starts {@code command}, its output going to {@code log}. {@link Process#destroyForcibly()}
     * ends it with everything it started ({@code unshare --kill-child}); {@code unshare} ignores
     * SIGTERM, so send that to the command itself: {@link #command(Process)}.
     */
    Process start(Path log, List<String> command) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(hostUnshare());
        argv.addAll(namespaces);
        argv.addAll(List.of("/bin/sh", "-c", SETUP, "sh", root.toString(), workingDirectory, uid, gid));
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** The started command itself (PID 1 of its namespace), once {@code unshare} has forked it. */
    static ProcessHandle command(Process started) {
        return started.children().findFirst().orElseThrow(
                () -> new AssertionError("unshare has no child process (yet)"));
    }

    private static String hostUnshare() {
        for (String dir : HOST_PATH.split(":")) {
            if (Files.isExecutable(Path.of(dir, "unshare"))) {
                return Path.of(dir, "unshare").toString();
            }
        }
        throw new AssertionError("util-linux unshare not found in " + HOST_PATH
                + ": it is needed to run the image's files as a container would");
    }
}
