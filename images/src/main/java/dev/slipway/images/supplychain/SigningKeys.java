package dev.slipway.images.supplychain;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECMultiplier;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * ECDSA P-256 keys for image signatures, as cosign and openssl write them in PEM: a private key as SEC1
 * ({@code EC PRIVATE KEY}, from {@code openssl ecparam -name prime256v1 -genkey}) or unencrypted PKCS#8
 * ({@code PRIVATE KEY}), a public key as {@code PUBLIC KEY} (cosign.pub). A key is named by a file path or
 * {@code env://VARIABLE} (the PEM text in the environment). Messages name only where a key came from, never its
 * content; {@link SigningKey#toString()} shows no secret.
 */
public final class SigningKeys {
    public static final String ENVIRONMENT_PREFIX = "env://";
    private static final ECParameterSpec P256 = p256();

    private SigningKeys() {
    }

    /** A private key and the public key that goes with it (derived from it, so the pair always matches). */
    public record SigningKey(String source, PrivateKey privateKey, ECPublicKey publicKey) {
        @Override
        public String toString() {
            return "private key from " + source;
        }
    }

    public static SigningKey privateKey(String source, Map<String, String> environment) throws KeyProblem {
        Object pem = readPem(source, environment);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        PrivateKey key;
        try {
            if (pem instanceof PEMKeyPair pair) {
                key = converter.getPrivateKey(pair.getPrivateKeyInfo());
            } else if (pem instanceof PrivateKeyInfo info) {
                key = converter.getPrivateKey(info);
            } else if (pem instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new KeyProblem(source + ": an encrypted private key is not read; give an unencrypted PKCS#8 "
                        + "or SEC1 key (e.g. openssl pkcs8 -topk8 -nocrypt), kept in a file or variable only you read");
            } else {
                throw new KeyProblem(source + ": not a PEM private key (expected 'EC PRIVATE KEY' or 'PRIVATE KEY')");
            }
        } catch (IOException e) {
            throw new KeyProblem(source + ": the private key cannot be decoded");
        }
        if (!(key instanceof ECPrivateKey ec) || !isP256(ec.getParams())) {
            throw new KeyProblem(source + ": not an ECDSA P-256 (prime256v1) key, which cosign's key format needs");
        }
        return new SigningKey(source, key, publicOf(ec));
    }

    public static ECPublicKey publicKey(String source, Map<String, String> environment) throws KeyProblem {
        Object pem = readPem(source, environment);
        PublicKey key;
        try {
            if (pem instanceof SubjectPublicKeyInfo info) {
                key = new JcaPEMKeyConverter().getPublicKey(info);
            } else if (pem instanceof PEMKeyPair || pem instanceof PrivateKeyInfo) {
                throw new KeyProblem(source + ": this is a private key; verifying needs only the public key "
                        + "(openssl ec -pubout)");
            } else {
                throw new KeyProblem(source + ": not a PEM public key (expected 'PUBLIC KEY')");
            }
        } catch (IOException e) {
            throw new KeyProblem(source + ": the public key cannot be decoded");
        }
        if (!(key instanceof ECPublicKey ec) || !isP256(ec.getParams())) {
            throw new KeyProblem(source + ": not an ECDSA P-256 (prime256v1) public key");
        }
        return ec;
    }

    private static Object readPem(String source, Map<String, String> environment) throws KeyProblem {
        String text;
        if (source.startsWith(ENVIRONMENT_PREFIX)) {
            String variable = source.substring(ENVIRONMENT_PREFIX.length());
            text = environment.get(variable);
            if (text == null || text.isBlank()) {
                throw new KeyProblem(source + ": the variable " + variable + " is not set");
            }
        } else {
            try {
                text = Files.readString(Path.of(source), StandardCharsets.US_ASCII);
            } catch (NoSuchFileException e) {
                throw new KeyProblem(source + ": no such file");
            } catch (IOException e) {
                throw new KeyProblem(source + ": cannot be read (" + e.getClass().getSimpleName() + ")");
            }
        }
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object object;
            while ((object = parser.readObject()) != null) {
                // openssl ecparam -genkey writes an EC PARAMETERS block before the key
                if (!(object instanceof X9ECParameters)
                        && !(object instanceof org.bouncycastle.asn1.ASN1ObjectIdentifier)) {
                    return object;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new KeyProblem(source + ": not a readable PEM key");
        }
        throw new KeyProblem(source + ": holds no PEM key");
    }

    /** Q = d·G on P-256, so the public key is always the private key's own. */
    private static ECPublicKey publicOf(ECPrivateKey key) throws KeyProblem {
        X9ECParameters curve = CustomNamedCurves.getByName("secp256r1");
        ECMultiplier multiplier = new FixedPointCombMultiplier();
        org.bouncycastle.math.ec.ECPoint q = multiplier.multiply(curve.getG(), key.getS()).normalize();
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                    new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), P256));
        } catch (GeneralSecurityException e) {
            throw new KeyProblem("cannot derive the public key: " + e.getMessage());
        }
    }

    private static boolean isP256(ECParameterSpec params) {
        return params.getOrder().equals(P256.getOrder()) && params.getCurve().equals(P256.getCurve())
                && params.getGenerator().equals(P256.getGenerator());
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no P-256", e);
        }
    }

    /** A key that cannot be used; the message names its source and what is wrong, never its content. */
    public static final class KeyProblem extends Exception {
        public KeyProblem(String message) {
            super(message);
        }
    }
}
