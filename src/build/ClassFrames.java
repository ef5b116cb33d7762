import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Build step, run by the pom as a single-file program with ASM on its class path: rewrites the classes of
 * one jar whose class-file version is below 52 (Java 8) to version 52, with the stack map frames that
 * version requires, and changes nothing else.
 *
 * <p>Why: picocli's jar is compiled for Java 5 (version 49), and JDK 17's class-data sharing leaves out
 * every class older than version 50, so each {@code ovi} run on JDK 17 parsed and verified the 174 picocli
 * classes a plan loads (and ovi's own classes that implement picocli's interfaces) from the jar again, with the old
 * type-inferring verifier. Rewritten, they are in the archive like every other class.
 *
 * <p>Safe to run twice (a jar with nothing older than version 52 is left as it is). The rewritten jar is
 * checked before it replaces the original: every rewritten class is loaded, verified by the running JVM's
 * verifier and initialised in a loader of its own, and any failure fails the build with the class named.
 * The jar gains {@code META-INF/ovi-modified.txt} saying what was changed (Apache License 2.0, section 4b).
 *
 * <p>Usage: {@code java -cp asm.jar src/build/ClassFrames.java JAR}
 */
public final class ClassFrames {

    static final int TARGET = Opcodes.V1_8;
    static final String NOTICE = "META-INF/ovi-modified.txt";

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -cp asm.jar ClassFrames.java JAR");
            System.exit(64);
        }
        Path jar = Path.of(args[0]);
        Path tmp = jar.resolveSibling(jar.getFileName() + ".frames.tmp");
        List<String> rewritten = new ArrayList<>();
        try (ZipFile in = new ZipFile(jar.toFile());
             URLClassLoader original = new URLClassLoader(new URL[]{jar.toUri().toURL()},
                     ClassLoader.getPlatformClassLoader());
             OutputStream file = Files.newOutputStream(tmp);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                byte[] bytes = in.getInputStream(entry).readAllBytes();
                if (entry.getName().equals(NOTICE)) {
                    continue;
                }
                if (isClass(entry.getName()) && version(bytes) < TARGET) {
                    bytes = rewrite(bytes, original);
                    rewritten.add(entry.getName());
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
            if (!rewritten.isEmpty()) {
                ZipEntry notice = new ZipEntry(NOTICE);
                out.putNextEntry(notice);
                out.write(("This jar was changed by ovi's build (src/build/ClassFrames.java): its "
                        + rewritten.size() + " classes older than class-file version 52 were rewritten to version 52, with"
                        + " the stack map frames that version requires, so that JDK 17's class-data sharing can"
                        + " archive them. No code, name or resource was changed.\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (rewritten.isEmpty()) {
            Files.delete(tmp);
            System.out.println("ClassFrames: " + jar.getFileName() + " has no class older than Java 8");
            return;
        }
        try {
            check(tmp, rewritten);
        } catch (LinkageError e) {
            Files.deleteIfExists(tmp);
            System.err.println("ClassFrames: a rewritten class of " + jar + " does not load: " + e);
            System.exit(1);
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("ClassFrames: " + rewritten.size() + " classes of " + jar.getFileName()
                + " rewritten to class-file version " + (TARGET & 0xFFFF));
    }

    static boolean isClass(String name) {
        return name.endsWith(".class") && !name.endsWith("module-info.class") && !name.startsWith("META-INF/");
    }

    /** The major version, from bytes 6 and 7 of the class file. */
    static int version(byte[] classFile) {
        return ((classFile[6] & 0xFF) << 8) | (classFile[7] & 0xFF);
    }

    /**
     * Frames are computed from scratch (the old ones, if any, are dropped); their merge points need the
     * common superclass of two types, which ASM asks {@code loader} for: the jar's own classes, then the JDK.
     */
    static byte[] rewrite(byte[] bytes, ClassLoader loader) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return loader;
            }
        };
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                super.visit(TARGET, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }

    /** Loads, links (which verifies) and initialises every rewritten class, in a loader of their own. */
    static void check(Path jar, List<String> classes) throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (String entry : classes) {
                String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
                try {
                    Class.forName(name, true, loader);
                } catch (ClassNotFoundException e) {
                    throw new NoClassDefFoundError(name);
                }
            }
        }
    }
}
