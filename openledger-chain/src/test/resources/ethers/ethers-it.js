// Drives an OpenLedger L2 node with ethers v6 as wallets do. Args: automine URL, interval-mining URL,
// folder with the shipped ABI JSON. Prints "OK <json>" and exits 0, or prints the failure and exits 1.
const { ethers } = require('ethers');
const fs = require('fs');
const path = require('path');

const [autoUrl, poolUrl, abiDir] = process.argv.slice(2);
const MNEMONIC = 'test test test test test test test test test test test junk';
const MODEL_REGISTRY = '0x4200000000000000000000000000000000000100';
const DATANET_REGISTRY = '0x4200000000000000000000000000000000000101';
const INFERENCE_SETTLEMENT = '0x4200000000000000000000000000000000000102';
const MESSAGE_PASSER = '0x4200000000000000000000000000000000000016';
const STAKING = '0x4200000000000000000000000000000000000103';
const GOVERNANCE = '0x4200000000000000000000000000000000000104';
const abi = (n) => JSON.parse(fs.readFileSync(path.join(abiDir, n + '.json'), 'utf8'));
function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
}
async function expectError(promise, fragment, what) {
  try {
    await promise;
  } catch (e) {
    const text = [e.message, e.shortMessage, e.info && JSON.stringify(e.info), e.error && e.error.message]
      .filter(Boolean)
      .join(' | ');
    check(text.includes(fragment), what + ': expected "' + fragment + '" in: ' + text);
    return e;
  }
  throw new Error(what + ': expected an error with "' + fragment + '"');
}

(async () => {
  const provider = new ethers.JsonRpcProvider(autoUrl, undefined, { cacheTimeout: -1 });
  const wallet = (i) => ethers.HDNodeWallet.fromPhrase(MNEMONIC, undefined, "m/44'/60'/0'/0/" + i).connect(provider);
  const [dev, curator, user, c1, c2] = [0, 1, 2, 3, 4].map(wallet);
  const out = {};

  const net = await provider.getNetwork();
  check(net.chainId === 31337n, 'chain id 31337, got ' + net.chainId);
  check(dev.address === '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', 'dev account 0');
  check((await provider.getBalance(c2.address)) === ethers.parseEther('10000'), 'dev balance 10000 OPEN');

  // a plain transfer
  const tx = await dev.sendTransaction({ to: c2.address, value: ethers.parseEther('1.5') });
  const rc = await tx.wait();
  check(rc.status === 1, 'transfer status');
  check(rc.gasUsed === 21000n, 'transfer gas ' + rc.gasUsed);
  check((await provider.getBalance(c2.address)) === ethers.parseEther('10001.5'), 'recipient balance');
  check((await provider.getTransaction(tx.hash)).from === dev.address, 'getTransaction from');
  out.transferBlock = rc.blockNumber;

  // registries and settlement through ethers.Contract with the shipped ABI
  const datanets = new ethers.Contract(DATANET_REGISTRY, abi('DatanetRegistry'), curator);
  const datanetId = ethers.id('legal-qa');
  const root = ethers.id('legal-qa/v1');
  const ra = await (await datanets.anchor(datanetId, 1, root)).wait();
  const anchored = ra.logs.map((l) => datanets.interface.parseLog(l)).find((e) => e && e.name === 'DatanetVersionAnchored');
  check(anchored && anchored.args.root === root && anchored.args.owner === curator.address, 'DatanetVersionAnchored event');
  check((await datanets.rootOf(datanetId, 1)) === root, 'rootOf');
  await expectError(datanets.connect(dev).anchor(datanetId, 2, root), 'caller is not the datanet owner', 'anchor by non-owner');

  const models = new ethers.Contract(MODEL_REGISTRY, abi('ModelRegistry'), dev);
  const rm = await (await models.registerModel(ethers.ZeroHash, ethers.id('adapter'), [root], 'ipfs://model')).wait();
  const registered = rm.logs.map((l) => models.interface.parseLog(l)).find((e) => e && e.name === 'ModelRegistered');
  check(registered && registered.args.modelId === 1n && registered.args.owner === dev.address, 'ModelRegistered event');
  check(registered.args.metadataURI === 'ipfs://model', 'event string');
  check((await models.ownerOf(1)) === dev.address, 'ownerOf');

  const settlement = new ethers.Contract(INFERENCE_SETTLEMENT, abi('InferenceSettlement'), user);
  const fee = await settlement.feeOf(1000, 500);
  const devBefore = await provider.getBalance(dev.address);
  const request = ethers.id('request-1');
  const weights = [750000000000000000n, 250000000000000000n];
  const rs = await (await settlement.settle(request, 1, 1000, 500, [c1.address, c2.address], weights, { value: fee })).wait();
  const events = rs.logs.map((l) => settlement.interface.parseLog(l)).filter(Boolean);
  const settled = events.find((e) => e.name === 'InferenceSettled');
  check(settled && settled.args.fee === fee && settled.args.payer === user.address, 'InferenceSettled event');
  check(events.filter((e) => e.name === 'ContributorPaid').length === 2, 'two ContributorPaid events');
  check((await provider.getBalance(dev.address)) - devBefore === settled.args.modelDeveloper, 'developer paid');
  check((await settlement.isSettled(request)) === true, 'isSettled');
  await expectError(
    settlement.settle(request, 1, 1000, 500, [c1.address, c2.address], weights, { value: fee }),
    'request already settled',
    'second settlement of one request'
  );
  out.fee = fee.toString();

  // a withdrawal
  const passer = new ethers.Contract(MESSAGE_PASSER, abi('L2ToL1MessagePasser'), user);
  const rw = await (await passer.initiateWithdrawal(user.address, 100000, '0x', { value: ethers.parseEther('1') })).wait();
  const passed = rw.logs.map((l) => passer.interface.parseLog(l)).find((e) => e && e.name === 'MessagePassed');
  check(passed && (await passer.sentMessages(passed.args.withdrawalHash)) === true, 'withdrawal recorded');

  // staking and governance (the token module's Staking, Votes and Governor over L2 state); the node
  // runs with a 1 s voting delay, 20 s voting period and 2 s timelock, and every block is >= 1 s later
  const staking = new ethers.Contract(STAKING, abi('Staking'), c1);
  const governance = new ethers.Contract(GOVERNANCE, abi('Governance'), c1);
  check((await (await staking.stake({ value: ethers.parseEther('5') })).wait()).status === 1, 'stake');
  await (await staking.delegate(c1.address)).wait();
  check((await staking.stakeOf(c1.address)) === ethers.parseEther('5'), 'stakeOf');
  check((await staking.getVotes(c1.address)) === ethers.parseEther('5'), 'getVotes after delegate');
  const filler = async () => (await c2.sendTransaction({ to: c2.address, value: 1n })).wait();
  const until = async (cond, what) => {
    for (let i = 0; i < 60; i++) {
      if (await cond()) return;
      await filler();
    }
    throw new Error('timed out waiting for ' + what);
  };
  await filler(); // the proposer's votes are read at the previous second
  const action = staking.interface.encodeFunctionData('totalStaked', []);
  const rp = await (await governance.propose([STAKING], [0], [action], 'ethers: a no-op proposal')).wait();
  const created = rp.logs.map((l) => governance.interface.parseLog(l)).find((e) => e && e.name === 'ProposalCreated');
  check(created && created.args.proposer === c1.address && created.args.description === 'ethers: a no-op proposal', 'ProposalCreated event');
  const pid = created.args.proposalId;
  // OpenZeppelin's hashProposal, computed here by ethers itself, names the proposal
  const descriptionHash = ethers.id('ethers: a no-op proposal');
  const ozId = BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(
    ['address[]', 'uint256[]', 'bytes[]', 'bytes32'], [[STAKING], [0], [action], descriptionHash])));
  check(pid === ozId, 'proposal id is OpenZeppelin hashProposal');
  check((await governance.hashProposal([STAKING], [0], [action], descriptionHash)) === ozId, 'hashProposal view');
  await until(async () => (await governance.state(pid)) === 1n, 'Active');
  const rv = await (await governance.castVote(pid, 1)).wait();
  const cast = rv.logs.map((l) => governance.interface.parseLog(l)).find((e) => e && e.name === 'VoteCast');
  check(cast && cast.args.voter === c1.address && cast.args.weight === ethers.parseEther('5'), 'VoteCast event');
  await expectError(governance.castVote(pid, 1), 'already voted', 'double vote');
  await until(async () => (await governance.state(pid)) === 4n, 'Succeeded');
  // queued as OpenZeppelin's Governor takes it (calls and description hash), executed by id
  await (await governance['queue(address[],uint256[],bytes[],bytes32)']([STAKING], [0], [action], descriptionHash)).wait();
  const eta = await governance.proposalEta(pid);
  await until(async () => BigInt((await provider.getBlock('latest')).timestamp) + 1n >= eta, 'eta');
  const rx = await (await governance['execute(uint256)'](pid)).wait();
  check(rx.logs.map((l) => governance.interface.parseLog(l)).some((e) => e && e.name === 'ProposalExecuted'), 'ProposalExecuted event');
  check((await governance.state(pid)) === 7n, 'Executed');
  out.proposal = pid.toString(16);

  // logs, blocks, fees, proofs
  const logs = await provider.getLogs({ address: MODEL_REGISTRY, fromBlock: 0, toBlock: 'latest' });
  check(logs.length === 1, 'getLogs finds one ModelRegistry log');
  const latest = await provider.getBlock('latest');
  check(latest.number === (await provider.getBlockNumber()), 'latest block');
  check((await provider.getBlock(latest.hash)).number === latest.number, 'block by hash');
  const feeData = await provider.getFeeData();
  check(feeData.maxFeePerGas > 0n && feeData.maxPriorityFeePerGas > 0n, 'fee data');
  const proof = await provider.send('eth_getProof', [dev.address, [], 'latest']);
  check(proof.accountProof.length > 0, 'eth_getProof');
  check((await provider.getCode(MODEL_REGISTRY)) !== '0x', 'system contract has a code marker');
  check((await provider.send('eth_accounts', [])).length === 0, 'eth_accounts is empty');

  // errors with the messages tools recognise
  const e1 = await expectError(dev.sendTransaction({ to: c1.address, value: 1n, nonce: 0 }), 'nonce too low', 'stale nonce');
  check(e1.code === 'NONCE_EXPIRED', 'ethers maps nonce too low to NONCE_EXPIRED, got ' + e1.code);
  const poor = ethers.Wallet.createRandom().connect(provider);
  const e2 = await expectError(
    poor.sendTransaction({ to: c1.address, value: 1n, gasLimit: 21000n }),
    'insufficient funds for gas * price + value',
    'unfunded sender'
  );
  check(e2.code === 'INSUFFICIENT_FUNDS', 'ethers maps insufficient funds, got ' + e2.code);
  const wrongChain = await dev.signTransaction({
    to: c1.address, value: 1n, nonce: await provider.getTransactionCount(dev.address), gasLimit: 21000n,
    maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 10n ** 9n, chainId: 1n, type: 2,
  });
  await expectError(provider.broadcastTransaction(wrongChain), 'invalid chain id', 'wrong chain id');

  // replacement needs a pool that does not mine at once
  const pool = new ethers.JsonRpcProvider(poolUrl, undefined, { cacheTimeout: -1 });
  const pooled = dev.connect(pool);
  const base = { to: c1.address, value: 1n, nonce: 0, gasLimit: 21000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 10n ** 9n };
  await pooled.sendTransaction(base);
  const e3 = await expectError(pooled.sendTransaction({ ...base, value: 2n }), 'replacement transaction underpriced', 'same-fee replacement');
  check(e3.code === 'REPLACEMENT_UNDERPRICED', 'ethers maps replacement underpriced, got ' + e3.code);
  await pooled.sendTransaction({ ...base, value: 3n, maxFeePerGas: 11n * 10n ** 9n, maxPriorityFeePerGas: 11n * 10n ** 8n });

  // a raw JSON-RPC batch
  const resp = await fetch(autoUrl, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }, { jsonrpc: '2.0', id: 2, method: 'net_version', params: [] }]),
  });
  const batch = await resp.json();
  check(Array.isArray(batch) && batch[0].result === '0x7a69' && batch[1].result === '31337', 'batch request');

  console.log('OK ' + JSON.stringify(out));
  provider.destroy();
  pool.destroy();
})().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
