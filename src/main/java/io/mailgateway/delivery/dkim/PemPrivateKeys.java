package io.mailgateway.delivery.dkim;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads a DKIM private key from a PEM file: PKCS#8 {@code PRIVATE KEY} (RSA or Ed25519) or PKCS#1
 * {@code RSA PRIVATE KEY}, unencrypted. The public half is derived from it, so the gateway can print the DNS
 * record to publish. Every failure names the file and what is wrong with it.
 */
final class PemPrivateKeys {

    /** A key file is a few KB; anything much larger is the wrong file, not worth reading whole. */
    private static final long MAX_FILE_BYTES = 64 * 1024;

    private PemPrivateKeys() {
    }

    static KeyPair read(Path file) {
        String pem;
        try {
            if (Files.isDirectory(file)) {
                throw new DkimKeyException("DKIM private key " + file + " is a directory, not a PEM file");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new DkimKeyException("DKIM private key " + file + " is larger than " + MAX_FILE_BYTES
                    + " bytes: not a PEM private key");
            }
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new DkimKeyException("DKIM private key " + file + " does not exist", e);
        } catch (IOException e) {
            // MalformedInputException lands here too: a binary (DER) file is not PEM
            throw new DkimKeyException("DKIM private key " + file + " cannot be read as a PEM text file: " + e, e);
        }
        return parse(pem, file.toString());
    }

    /** Parses PEM text; {@code source} names it in errors. */
    static KeyPair parse(String pem, String source) {
        String seen = null;
        try (Reader reader = new StringReader(pem); PEMParser parser = new PEMParser(reader)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof PEMKeyPair pair) {
                    return keyPair(pair.getPrivateKeyInfo(), source);
                }
                if (object instanceof PrivateKeyInfo info) {
                    return keyPair(info, source);
                }
                if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                    // the gateway starts unattended, so there is nobody to ask for a passphrase; protect the
                    // file with its permissions instead (readable by the gateway's user only)
                    throw new DkimKeyException("DKIM private key " + source + " is encrypted; the gateway needs it"
                        + " unencrypted (e.g. openssl pkey -in " + source + " -out plain.pem) and protected by file"
                        + " permissions");
                }
                if (object instanceof SubjectPublicKeyInfo) {
                    seen = "a PUBLIC KEY";
                } else if (object instanceof X509CertificateHolder) {
                    seen = "a CERTIFICATE";
                } else if (seen == null) {
                    seen = "a " + object.getClass().getSimpleName();
                }
            }
        } catch (DkimKeyException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // PEMParser's words for broken base64 (BouncyCastle's DecoderException is unchecked) or ASN.1
            throw new DkimKeyException("DKIM private key " + source + " is not a valid PEM private key: " + e.getMessage(), e);
        }
        throw new DkimKeyException("DKIM private key " + source + " holds no private key"
            + (seen != null ? " (found " + seen + ")" : " (no PEM block)")
            + "; expected -----BEGIN PRIVATE KEY----- (PKCS#8) or -----BEGIN RSA PRIVATE KEY----- (PKCS#1)");
    }

    private static KeyPair keyPair(PrivateKeyInfo info, String source) {
        ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
        try {
            AsymmetricKeyParameter parameters = PrivateKeyFactory.createKey(info);
            if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)
                    && parameters instanceof RSAPrivateCrtKeyParameters rsa) {
                KeyFactory factory = KeyFactory.getInstance("RSA");
                PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
                SubjectPublicKeyInfo publicInfo = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(
                    new RSAKeyParameters(false, rsa.getModulus(), rsa.getPublicExponent()));
                PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(publicInfo.getEncoded()));
                checkRsaSize(privateKey, source);
                return new KeyPair(publicKey, privateKey);
            }
            if (EdECObjectIdentifiers.id_Ed25519.equals(algorithm) && parameters instanceof Ed25519PrivateKeyParameters ed) {
                // re-encoded as a version 1 PKCS#8 structure (seed only): some tools write version 2 with the
                // public key included, which the JDK's Ed25519 key factory does not read on every release
                KeyFactory factory = KeyFactory.getInstance("Ed25519");
                PrivateKeyInfo plain = new PrivateKeyInfo(
                    new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), new DEROctetString(ed.getEncoded()));
                PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(plain.getEncoded()));
                SubjectPublicKeyInfo publicInfo =
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(ed.generatePublicKey());
                PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(publicInfo.getEncoded()));
                return new KeyPair(publicKey, privateKey);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (e instanceof DkimKeyException dkim) {
                throw dkim;
            }
            throw new DkimKeyException("DKIM private key " + source + " cannot be used: " + e.getMessage(), e);
        }
        throw new DkimKeyException("DKIM private key " + source + " holds a key of type " + algorithmName(algorithm)
            + "; DKIM signs with RSA (rsa-sha256) or Ed25519 (ed25519-sha256) keys");
    }

    private static void checkRsaSize(PrivateKey key, String source) {
        int bits = ((RSAKey) key).getModulus().bitLength();
        if (bits < DkimSigner.MIN_RSA_BITS) {
            // RFC 8301 §3.2: verifiers may treat signatures from shorter keys as invalid, so signing with one
            // would hurt delivery while looking like it works
            throw new DkimKeyException("DKIM private key " + source + " is an RSA key of " + bits
                + " bits; DKIM needs at least " + DkimSigner.MIN_RSA_BITS + " (RFC 8301), " + DkimSigner.RECOMMENDED_RSA_BITS + " recommended");
        }
    }

    private static String algorithmName(ASN1ObjectIdentifier oid) {
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
            return "EC (ECDSA)";
        }
        if (X9ObjectIdentifiers.id_dsa.equals(oid)) {
            return "DSA";
        }
        if (EdECObjectIdentifiers.id_Ed448.equals(oid)) {
            return "Ed448";
        }
        if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            return "RSA without its CRT parameters";
        }
        return "OID " + oid.getId();
    }
}
