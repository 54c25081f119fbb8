package io.mailgateway.smtp.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/** A private key and its certificate chain, leaf first; the key is known to match the leaf. */
record KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain) {

    KeyMaterial {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("certificate chain is empty");
        }
    }

    X509Certificate leaf() {
        return chain.get(0);
    }

    /**
     * Whether {@code privateKey} is the other half of {@code publicKey}. Signing and verifying a random
     * challenge works for every key type without comparing type-specific parameters.
     */
    static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "Ed25519", "Ed448", "EdDSA" -> privateKey.getAlgorithm();
            // RSASSA-PSS keys carry their own parameters; the JSSE handles them, we just cannot probe them cheaply
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
