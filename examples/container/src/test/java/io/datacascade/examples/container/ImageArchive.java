package io.datacascade.examples.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * An image tar in docker-archive format as {@code jib:buildTar} writes it: {@code manifest.json}
 * naming the config blob and the layer blobs (gzipped tars) in order.
 */
final class ImageArchive {

    /** One file, directory or link of a layer, with its path in the image ({@code /opt/java}). */
    record Entry(String path, int mode, int uid, int gid, boolean directory, boolean symlink, long size) {
    }

    private final Path tar;
    private final JsonNode config;
    private final List<String> layerBlobs;

    private ImageArchive(Path tar, JsonNode config, List<String> layerBlobs) {
        this.tar = tar;
        this.config = config;
        this.layerBlobs = layerBlobs;
    }

    static ImageArchive open(Path tar) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (TarFile file = new TarFile(tar.toFile())) {
            JsonNode manifest = json.readTree(read(file, "manifest.json"));
            if (!manifest.isArray() || manifest.size() != 1) {
                throw new IOException(tar + ": manifest.json should describe one image, was " + manifest);
            }
            JsonNode image = manifest.get(0);
            JsonNode config = json.readTree(read(file, image.path("Config").asText()));
            List<String> layers = new ArrayList<>();
            image.path("Layers").forEach(layer -> layers.add(layer.asText()));
            return new ImageArchive(tar, config, layers);
        }
    }

    /** The image config's {@code config} object: Entrypoint, ExposedPorts, User, Env, ... */
    JsonNode containerConfig() {
        return config.path("config");
    }

    /**
     * Writes the image's file system under {@code root} as a container runtime would, layer over
     * layer, with each entry's permission bits (owners stay the current user's), and returns the
     * layers' entries, bottom layer first, keyed by their path in the image.
     */
    List<Map<String, Entry>> extractTo(Path root) throws IOException {
        Files.createDirectories(root);
        List<Map<String, Entry>> layers = new ArrayList<>();
        Map<Path, Integer> directoryModes = new LinkedHashMap<>();
        forEachLayer((entry, in) -> {
            layers.get(layers.size() - 1).put(entry.path(), entry);
            if (entry.path().contains("/.wh.")) {
                throw new IOException("whiteout " + entry.path() + ": not expected in an image FROM scratch");
            }
            Path target = root.resolve(entry.path().substring(1)).normalize();
            if (!target.startsWith(root)) {
                throw new IOException("layer entry " + entry.path() + " points outside the image");
            }
            if (entry.directory()) {
                Files.createDirectories(target);
                directoryModes.put(target, entry.mode());
            } else if (entry.symlink()) {
                throw new IOException("symlink " + entry.path() + ": Jib layers are expected to hold plain files");
            } else {
                Files.createDirectories(target.getParent());
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(target, permissions(entry.mode()));
            }
        }, () -> layers.add(new LinkedHashMap<>()));
        for (Map.Entry<Path, Integer> directory : directoryModes.entrySet()) {
            Files.setPosixFilePermissions(directory.getKey(), permissions(directory.getValue()));
        }
        return layers;
    }

    private interface EntryHandler {
        void accept(Entry entry, InputStream content) throws IOException;
    }

    private void forEachLayer(EntryHandler handler, Runnable onNewLayer) throws IOException {
        try (TarFile file = new TarFile(tar.toFile())) {
            for (String blob : layerBlobs) {
                onNewLayer.run();
                try (TarArchiveInputStream layer = new TarArchiveInputStream(new GZIPInputStream(
                        file.getInputStream(find(file, blob)), 1 << 16))) {
                    for (TarArchiveEntry e; (e = layer.getNextEntry()) != null; ) {
                        handler.accept(new Entry(imagePath(e.getName()), e.getMode() & 07777,
                                (int) e.getLongUserId(), (int) e.getLongGroupId(),
                                e.isDirectory(), e.isSymbolicLink(), e.getSize()), layer);
                    }
                }
            }
        }
    }

    private static String imagePath(String name) {
        String path = name.startsWith("./") ? name.substring(1) : name;
        path = path.startsWith("/") ? path : "/" + path;
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static byte[] read(TarFile file, String name) throws IOException {
        try (InputStream in = file.getInputStream(find(file, name))) {
            return in.readAllBytes();
        }
    }

    private static TarArchiveEntry find(TarFile file, String name) throws IOException {
        return file.getEntries().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IOException("no " + name + " in the image tar"));
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                permissions.add(bits[i]);
            }
        }
        return permissions;
    }
}
