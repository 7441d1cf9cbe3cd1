import { mnemonicToAccount, type HDAccount } from 'viem/accounts';

/**
 * The embedded chain's accounts, derived from the data folder's random mnemonic (not the well-known
 * test mnemonic): index 0 deploys and administers, index 1 is the anchoring engine's sender, so CLI
 * writes and the engine never compete for one nonce.
 */
export function devAccounts(mnemonic: string): { admin: HDAccount; anchorer: HDAccount } {
  return {
    admin: mnemonicToAccount(mnemonic, { addressIndex: 0 }),
    anchorer: mnemonicToAccount(mnemonic, { addressIndex: 1 }),
  };
}
