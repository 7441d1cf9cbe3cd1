/** What a stamp prints: the QR's URL, the code to type instead, and where to type it. */
export interface StampMark {
  /** `https://portal/v/<id>#<secret>`: what the QR code opens. */
  readonly url: string;
  /** The whole code in groups of five (id and secret), for people who cannot scan. */
  readonly code: string;
  /** `https://portal/v`: where the code can be typed in. */
  readonly verifyAddress: string;
}
